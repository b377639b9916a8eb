import { hiddenCharacterPattern, loadManifests, type AgentManifest } from '#platform';
import type { PriceTier } from './prices.ts';
import { shownText as shown } from './shown-text.ts';

/** A customer-facing agent as its manifest describes it: the card's and the profile's fixed half. */
export interface CatalogAgent {
  id: string;
  name: string;
  description: string;
  avatar: string;
  specialty: string;
  industries: string[];
  skills: string[];
  priceTier: PriceTier;
  tasks: { type: string; title: string; description: string; minutesSaved: number }[];
  /** A custom agent: the organisation whose signed-in members alone see it. */
  privateTo?: string | undefined;
}

const customerTiers = new Set<AgentManifest['tier']>(['Marketing', 'Education', 'Sales', 'Custom']);
// An avatar keeps the zero-width joiner that makes one emoji of several.
const hiddenInEmoji = hiddenCharacterPattern(undefined, '\u200d');

/** Every customer-facing agent of the agents folder (tier Marketing, Education, Sales or Custom, with a `catalog:`), by name. */
export async function loadCatalog(agentsDir: string): Promise<CatalogAgent[]> {
  const agents: CatalogAgent[] = [];
  for (const { manifest } of await loadManifests(agentsDir)) {
    const { catalog } = manifest;
    if (catalog === undefined || !customerTiers.has(manifest.tier)) continue;
    agents.push({
      id: manifest.id,
      name: shown(manifest.name) || manifest.id,
      description: shown(manifest.description),
      avatar: catalog.avatar.replace(hiddenInEmoji, ''),
      specialty: shown(catalog.specialty),
      industries: catalog.industries.map(shown),
      skills: catalog.skills,
      priceTier: catalog.priceTier,
      tasks: Object.entries(manifest.tasks ?? {}).map(([type, terms]) => ({
        type,
        title: shown(terms.title),
        description: shown(terms.description),
        minutesSaved: terms.minutesSaved,
      })),
      privateTo: catalog.privateTo,
    });
  }
  return agents.sort((a, b) => a.name.localeCompare(b.name, 'en'));
}
