import type { AgentRow } from '#platform';
import type { AgentHealth } from '../specialists/diagnosis.ts';

/** Words of a question about how an agent is doing; only such a question reads the registry. */
export const asksStatus =
  /\b(status|offline|online|running|working|available|up|down|alive|healthy|deployed|version)\b/i;

export type StatusDecision = { answer: true; reply: string } | { answer: false; reason: string };

/**
 * L1 on "is <agent> working?", for the agents the question names: answered from the
 * registry when every one is running with no incident open, as WowAnalytics reports them
 * (analytics.health.report); otherwise it is not L1's to answer (an agent that is down is
 * an outage, for a person), nor when WowAnalytics could not say (`health` undefined).
 */
export function decideStatusAnswer(
  named: readonly AgentRow[],
  health: readonly AgentHealth[] | undefined,
): StatusDecision {
  if (health === undefined)
    return {
      answer: false,
      reason: 'the customer asks how an agent is doing, and WowAnalytics did not answer whether an incident is open',
    };
  const inIncident = (id: string) => health.some((h) => h.id === id && h.incident !== null);
  const troubled = named.filter((a) => a.status === 'Offline' || inIncident(a.id));
  if (troubled.length > 0) {
    const why = troubled
      .map((a) => (a.status === 'Offline' ? `${a.id} is Offline` : `${a.id} has an incident open`))
      .join(', ');
    return {
      answer: false,
      reason: `the customer asks about an agent in trouble (${why}), which is an outage for a person, not an L1 answer`,
    };
  }
  // The asker may be anyone: the status only, never instance counts, heartbeats, versions
  // or commits, which tell a stranger how the platform runs and what it runs.
  const lines = named.map((a) => `${a.name} (${a.id}) is ${a.status}. No incident is open for it.`);
  return {
    answer: true,
    reply: `${lines.join('\n')}\n\nFrom the platform's registry, as of now.\n\nIf something still looks wrong on your side, reply with what you see and a specialist will take over.`,
  };
}
