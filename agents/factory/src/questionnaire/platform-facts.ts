import { dirname, join } from 'node:path';
import { loadDomains, loadManifests, platformEventTypes, readDomainModels } from '#platform';
import type { PlatformFacts } from './validate-answers.ts';

/**
 * What answers are checked against: the agents in `agentsDir` and what they emit, and
 * what is published without an agent: the platform's own types (GitHub webhooks, deploys)
 * and those each domain declares in its domain.yml (the support desk's intake, customers'
 * ratings), read from `domainsDir`, by default the domains folder beside `agentsDir`; and
 * the event types the domain models there describe (a model that does not load gives none:
 * `wow domain check` names its problems).
 */
export async function platformFacts(
  agentsDir: string,
  domainsDir = join(dirname(agentsDir), 'domains'),
): Promise<PlatformFacts> {
  const manifests = await loadManifests(agentsDir);
  const emittedBy = new Map<string, string>();
  for (const { manifest } of manifests) for (const type of manifest.emits) emittedBy.set(type, manifest.id);
  const domainEvents = (await loadDomains(domainsDir)).flatMap((d) => d.domain.emits);
  const platformEvents = [...new Set([...platformEventTypes, ...domainEvents])];
  const { models } = await readDomainModels(domainsDir);
  const modelEvents = models.flatMap(({ model }) => model.events.map((e) => e.type)).filter((t) => !t.endsWith('.*'));
  return { agents: manifests.map((m) => m.manifest.id), emittedBy, platformEvents, modelEvents };
}
