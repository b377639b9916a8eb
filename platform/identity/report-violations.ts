import type { Bus } from '../bus/bus.ts';
import { createEvent } from '../bus/envelope.ts';
import { perSecondLimit } from '../bus/per-second-limit.ts';
import { securityViolationEventType } from '../bus/platform-events.ts';
import type { Logger } from '../log/logger.ts';
import type { Metrics, SecurityViolation, SecurityViolationKind } from '../metrics/metrics.ts';

/** What a `security.violation` event carries: bounded, one line each, and never a secret. */
export interface SecurityViolationData {
  kind: SecurityViolationKind;
  /** The agent whose own doing it was (its context refused it, or its verified signature sent it). */
  agent?: string;
  /** Where it was refused: `webhook door`, `ticket api`, `agent context`, a consumer group. */
  source: string;
  reason: string;
  /** A few named fields of what was refused (an event type, a claimed source), each cut short. */
  sample: Record<string, string>;
  at: string;
}

/** The platform's source for what it publishes about violations; WowSecurity believes no other. */
export const securityViolationSource = 'urn:wow:security';

const agentId = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const sampleKey = /^[a-z][a-z_]{0,31}$/;
// Control, direction and zero-width characters would hide what an incident issue shows.
const hidden = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
const line = (text: string, max: number): string => {
  const plain = text.replace(hidden, '\uFFFD');
  return plain.length <= max ? plain : `${plain.slice(0, max - 1)}…`;
};

/** The event's data, every field bounded: what is refused often comes from a stranger. */
export function violationData(violation: SecurityViolation, at: Date): SecurityViolationData {
  const sample: Record<string, string> = {};
  for (const [key, value] of Object.entries(violation.sample ?? {}).slice(0, 4))
    if (sampleKey.test(key)) sample[key] = line(value, 120);
  return {
    kind: violation.kind,
    ...(violation.agent !== undefined && agentId.test(violation.agent) && violation.agent.length <= 64
      ? { agent: violation.agent }
      : {}),
    source: line(violation.source ?? 'platform', 80),
    reason: line(violation.reason ?? violation.kind, 300),
    sample,
    at: at.toISOString(),
  };
}

/**
 * Publishes every security violation this process counts as a `security.violation` event
 * from the platform, for WowSecurity. At most `perSecond` a second per agent (or, for
 * violations no agent owns, per kind and door), so a misbehaving agent or a flood of bad
 * webhooks cannot flood the bus; the rest are counted in
 * `wow_security_violations_unpublished_total`. A violation about a `security.violation`
 * event itself (a forged one refused, an agent emitting the type undeclared), or raised by
 * the publish call itself, is never published: that way no refusal feeds itself. Returns
 * the call that stops reporting.
 */
export function reportViolations(opts: {
  metrics: Metrics;
  bus: Pick<Bus, 'publish'>;
  log: Logger;
  clock?: () => Date;
  perSecond?: number;
}): () => void {
  const clock = opts.clock ?? (() => new Date());
  const withinLimit = perSecondLimit(opts.perSecond ?? 5);
  let publishing = false;
  return opts.metrics.onSecurityViolation((violation) => {
    if (publishing || violation.sample?.type === securityViolationEventType) {
      opts.metrics.securityViolationNotPublished('loop');
      return;
    }
    const now = clock();
    if (!withinLimit(violation.agent ?? `${violation.kind} ${violation.source ?? ''}`, now)) {
      opts.metrics.securityViolationNotPublished('rate_limited');
      return;
    }
    const data = violationData(violation, now);
    publishing = true;
    try {
      opts.bus
        .publish(
          createEvent({
            source: securityViolationSource,
            type: securityViolationEventType,
            ...(data.agent === undefined ? {} : { subject: data.agent, partitionkey: data.agent }),
            data,
          }),
        )
        .catch((err: unknown) => {
          opts.metrics.securityViolationNotPublished('publish_failed');
          opts.log.warn({ err, kind: data.kind, agent: data.agent }, 'could not publish a security violation');
        });
    } finally {
      publishing = false;
    }
  });
}
