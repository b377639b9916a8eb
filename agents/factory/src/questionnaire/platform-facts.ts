import { loadManifests } from '#platform';
import type { PlatformFacts } from './validate-answers.ts';

/**
 * Types the platform publishes itself: every GitHub webhook the App receives, deploys, and
 * the support domain's (domains/support/domain.yml): the desk's intake (API, email, web form)
 * with customers' satisfaction ratings, its answers for customers, which people write too
 * (a /reply on the issue, an approved draft), and its SLA clocks' alerts.
 */
const platformEvents = [
  'github.*',
  'agent.deployed',
  'support.ticket.opened',
  'support.message.received',
  'support.message.outbound',
  'support.csat.received',
  'support.sla.breached',
  'support.sla.near_breach',
];

/** What answers are checked against: the agents in `agentsDir`, what they emit, and the platform's own events. */
export async function platformFacts(agentsDir: string): Promise<PlatformFacts> {
  const manifests = await loadManifests(agentsDir);
  const emittedBy = new Map<string, string>();
  for (const { manifest } of manifests) for (const type of manifest.emits) emittedBy.set(type, manifest.id);
  return { agents: manifests.map((m) => m.manifest.id), emittedBy, platformEvents };
}
