import { isWowError, type AgentIdentity, type PgQueryable, type SecurityViolationData } from '#platform';
import type { SecuritySettings } from '../security-settings.ts';
import { markIncidentSuspended, violationsSince, type Incident } from '../incidents/incident-store.ts';

export type SuspensionOutcome =
  | { did: 'suspended'; agentId: string; violations: number; reason: string }
  | { did: 'spared'; agentId: string; why: string };

// The lifecycle's audit trail refuses these, and keeps at most 500 characters.
const hidden = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/**
 * Suspends the incident's agent once its violations within WOWSECURITY_WINDOW_SECONDS
 * reach WOWSECURITY_SUSPEND_THRESHOLD (0: never), through `ctx.identity` with the count
 * and the latest violation as the reason in its lifecycle audit. Never WowSecurity itself
 * (a misbehaving watcher must not silence itself) nor the agents WOWSECURITY_EXEMPT names;
 * an agent no longer Active is left as it is. Undefined: no agent, or under the threshold.
 */
export async function suspendPastThreshold(
  deps: {
    db: PgQueryable;
    identity: AgentIdentity | undefined;
    settings: Pick<SecuritySettings, 'suspendThreshold' | 'windowSeconds' | 'exempt'>;
    self: string;
  },
  incident: Incident,
  latest: SecurityViolationData,
  now: Date,
): Promise<SuspensionOutcome | undefined> {
  const { agentId } = incident;
  const { suspendThreshold, windowSeconds, exempt } = deps.settings;
  if (agentId === null || suspendThreshold === 0 || incident.suspendedAt !== null) return undefined;
  const violations = await violationsSince(deps.db, agentId, new Date(now.getTime() - windowSeconds * 1000));
  if (violations < suspendThreshold) return undefined;
  const spared = (why: string): SuspensionOutcome => ({ did: 'spared', agentId, why });
  if (agentId === deps.self) return spared('WowSecurity never suspends itself');
  if (exempt.includes(agentId)) return spared(`${agentId} is exempt (WOWSECURITY_EXEMPT)`);
  if (deps.identity === undefined) return spared('this runtime has no platform identity to suspend through');
  if ((await deps.identity.lifecycleOf(agentId)) !== 'active') return spared(`${agentId} is no longer active`);
  const reason = (
    `${violations} security violations in ${windowSeconds} s (WOWSECURITY_SUSPEND_THRESHOLD ${suspendThreshold}); ` +
    `the latest: ${latest.kind} at ${latest.source}: ${latest.reason}`
  )
    .replace(hidden, '?')
    .slice(0, 500);
  try {
    await deps.identity.changeLifecycle(agentId, 'suspend', { by: deps.self, reason });
  } catch (err) {
    // Another delivery suspended it first, or the registry does not know it: nothing to do.
    if (isWowError(err, 'WOW_ERR_LIFECYCLE')) return spared(err.message);
    throw err;
  }
  await markIncidentSuspended(deps.db, incident.id, now);
  return { did: 'suspended', agentId, violations, reason };
}
