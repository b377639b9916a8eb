import { loadManifests, typeMatches } from '#platform';

/** An agent that emits or wakes on events a model change touched, with those of its declarations that match. */
export interface AffectedAgent {
  id: string;
  events: string[];
}

/**
 * The agents of `agentsDir` whose `emits` or `wakesOn` match any of `types`: a declared
 * type equal to one, or a declared pattern (`support.ticket.*`) covering one.
 */
export async function affectedAgents(agentsDir: string, types: readonly string[]): Promise<AffectedAgent[]> {
  const affected: AffectedAgent[] = [];
  for (const { manifest } of await loadManifests(agentsDir)) {
    const declared = [...new Set([...manifest.emits, ...manifest.wakesOn])];
    const events = types.filter((type) => declared.some((d) => typeMatches(d, type) || typeMatches(type, d)));
    if (events.length > 0) affected.push({ id: manifest.id, events });
  }
  return affected.sort((a, b) => (a.id < b.id ? -1 : 1));
}
