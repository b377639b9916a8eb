import { listAgents, type AgentStatus, type Store } from '#platform';
import { allAgentFigures, noFigures, type AgentFigures } from '#domains/customer';
import type { CatalogAgent } from './load-catalog.ts';
import type { PriceTier } from './prices.ts';

/** A listed agent as a customer sees it now: its manifest's card, its live status, its figures and its price. */
export interface CatalogEntry {
  agent: CatalogAgent;
  status: AgentStatus;
  figures: AgentFigures;
  monthlyPaise: number;
}

export interface LiveCatalog {
  /** Every industry and skill some listed agent has, for the filters' choices. */
  readonly industries: readonly string[];
  readonly skills: readonly string[];
  entries(): Promise<CatalogEntry[]>;
  entry(id: string): Promise<CatalogEntry | undefined>;
}

export interface LiveCatalogOptions {
  agents: readonly CatalogAgent[];
  store: Store;
  heartbeatTimeoutMs: number;
  monthlyPaise: Readonly<Record<PriceTier, number>>;
  /**
   * How long one read of the registry and the figures serves every request (ms): under
   * load the catalogue costs two queries a second, not two a request. 0 reads each time.
   */
  freshMs: number;
}

/**
 * The listed agents joined with what changes: the registry's status (an agent that never
 * ran is Offline) and the figures' projection (an agent without events is "New").
 */
export function createLiveCatalog(opts: LiveCatalogOptions): LiveCatalog {
  const sorted = (values: Iterable<string>) => [...new Set(values)].sort((a, b) => a.localeCompare(b, 'en'));
  let last: { at: number; entries: Promise<CatalogEntry[]> } | undefined;

  const read = async (): Promise<CatalogEntry[]> => {
    const [registry, figures] = await Promise.all([
      listAgents(opts.store, { heartbeatTimeoutMs: opts.heartbeatTimeoutMs }),
      allAgentFigures(opts.store),
    ]);
    const status = new Map(registry.map((r) => [r.id, r.status]));
    return opts.agents.map((agent) => ({
      agent,
      status: status.get(agent.id) ?? 'Offline',
      figures: figures.get(agent.id) ?? noFigures(agent.id),
      monthlyPaise: opts.monthlyPaise[agent.priceTier],
    }));
  };

  const entries = () => {
    const now = Date.now();
    if (last === undefined || now - last.at >= opts.freshMs) {
      const entries = read();
      const current = { at: now, entries };
      last = current;
      // A failed read is not served again: the next request tries afresh.
      entries.catch(() => {
        if (last === current) last = undefined;
      });
    }
    return last.entries;
  };

  return {
    industries: sorted(opts.agents.flatMap((a) => a.industries)),
    skills: sorted(opts.agents.flatMap((a) => a.skills)),
    entries,
    entry: async (id) => (await entries()).find((e) => e.agent.id === id),
  };
}
