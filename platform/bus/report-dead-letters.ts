import type { Logger } from '../log/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Bus, DeadLetteredMessage } from './bus.ts';
import { createEvent } from './envelope.ts';
import { perSecondLimit } from './per-second-limit.ts';
import { errorOccurredEventType } from './platform-events.ts';

/** The platform's source for what it publishes about failures; WowSupport wakes on them. */
export const errorOccurredSource = 'urn:wow:platform';

/** What an `error.occurred` event carries: bounded, one line each, and never a secret. */
export interface ErrorOccurredData {
  /** `dead_letter`: one message gave up on; `failure_rate`: an agent failing more than its baseline. */
  kind: 'dead_letter' | 'failure_rate';
  agent: string;
  eventType?: string;
  code: string;
  /** A few named fields (the event id, the error's message), each cut short; never the event's data. */
  sample: Record<string, string>;
  attempts?: number;
  /** For a failure rate: the incident WowAnalytics opened for it. */
  incidentId?: string;
  at: string;
}

const agentId = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
// Control, direction and zero-width characters would hide what an incident issue shows.
const hidden = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
// What looks like a credential in an error's message (a bearer token, key=…, a URL's user:password@).
const secretish =
  /((?:key|token|secret|password|authorization)\s*[=:]\s*(?:bearer\s+)?)\S+|(bearer\s+)\S+|(\/\/)[^/@\s]+@/gi;
export const sampleLine = (text: string, max: number): string => {
  const plain = text
    .replace(hidden, '\uFFFD')
    .replace(secretish, (_m, a?: string, b?: string, c?: string) => `${a ?? b ?? c ?? ''}***`);
  return plain.length <= max ? plain : `${plain.slice(0, max - 1)}…`;
};

/** The event's data for one dead letter of `group` (the consumer group is the agent's id). */
export function deadLetterData(group: string, letter: DeadLetteredMessage, at: Date): ErrorOccurredData | undefined {
  if (!agentId.test(group) || group.length > 64) return undefined;
  return {
    kind: 'dead_letter',
    agent: group,
    eventType: sampleLine(letter.event.type, 200),
    code: sampleLine(letter.error.code || letter.error.name, 80),
    sample: {
      event_id: sampleLine(letter.event.id, 120),
      ...(letter.event.subject === undefined ? {} : { subject: sampleLine(letter.event.subject, 120) }),
      message: sampleLine(letter.error.message, 120),
    },
    attempts: letter.attempts,
    at: at.toISOString(),
  };
}

/**
 * Publishes every message this process's consumer groups dead-letter as an `error.occurred`
 * event from the platform, at most `perSecond` a second per agent. A dead-lettered
 * `error.occurred` itself is never published again, so no failure feeds itself. Returns the
 * call that stops reporting.
 */
export function reportDeadLetters(opts: {
  metrics: Metrics;
  bus: Pick<Bus, 'publish'>;
  log: Logger;
  clock?: () => Date;
  perSecond?: number;
}): () => void {
  const clock = opts.clock ?? (() => new Date());
  const withinLimit = perSecondLimit(opts.perSecond ?? 5);
  return opts.metrics.onDeadLetter((group, letter) => {
    if (letter.event.type === errorOccurredEventType) return;
    const now = clock();
    const data = deadLetterData(group, letter, now);
    if (!withinLimit(group, now) || data === undefined) return;
    opts.bus
      .publish(
        createEvent({
          source: errorOccurredSource,
          type: errorOccurredEventType,
          subject: data.agent,
          partitionkey: data.agent,
          data,
        }),
      )
      .catch((err: unknown) => opts.log.warn({ err, agent: data.agent }, 'could not publish error.occurred'));
  });
}
