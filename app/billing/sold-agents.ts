import { access } from 'node:fs/promises';
import { loadManifests } from '#platform';
import type { SoldAgent } from '#domains/commerce';

/** An agent for hire: its id, its catalog.priceTier, and what pages call it. */
export interface AgentForSale extends SoldAgent {
  name: string;
  /** A custom agent: the one organisation that may hire it. */
  privateTo?: string | undefined;
}

/** The customer-facing agents (a manifest with a `catalog:`), by id: the only ones a subscription may name. */
export async function soldAgents(agentsDir: string): Promise<Map<string, AgentForSale>> {
  const sold = new Map<string, AgentForSale>();
  // A server with no agents folder (a bare test checkout) sells nothing rather than failing to start.
  const exists = await access(agentsDir).then(
    () => true,
    () => false,
  );
  if (!exists) return sold;
  for (const { manifest } of await loadManifests(agentsDir))
    if (manifest.catalog !== undefined)
      sold.set(manifest.id, {
        id: manifest.id,
        priceTier: manifest.catalog.priceTier,
        name: manifest.name,
        privateTo: manifest.catalog.privateTo,
      });
  return sold;
}
