import { listAgents, type AgentStatus, type Store } from '#platform';
import { sortedEntries, type CatalogSort } from './catalog-query.ts';
import { allAgentFigures, noFigures, workingAgents, type AgentFigures } from '#domains/customer';
import { freshFor } from './fresh-for.ts';
import type { CatalogAgent } from './load-catalog.ts';
import type { PriceTier } from './prices.ts';

/** A listed agent as a customer sees it now: its manifest's card, its live status, its figures and its price. */
export interface CatalogEntry {
  agent: CatalogAgent;
  status: AgentStatus;
  figures: AgentFigures;
  monthlyPaise: number;
}

/** One read of the catalogue: in each order the pages sort by, and by id. */
export interface CatalogSnapshot {
  sorted: Readonly<Record<CatalogSort, readonly CatalogEntry[]>>;
  byId: ReadonlyMap<string, CatalogEntry>;
}

export interface LiveCatalog {
  /** Every industry and skill some listed agent has, for the filters' choices. */
  readonly industries: readonly string[];
  readonly skills: readonly string[];
  snapshot(): Promise<CatalogSnapshot>;
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
 * ran is Offline), Working too while a customer's task of it is working, and the figures'
 * projection (an agent without events is "New").
 */
export function createLiveCatalog(opts: LiveCatalogOptions): LiveCatalog {
  const sorted = (values: Iterable<string>) => [...new Set(values)].sort((a, b) => a.localeCompare(b, 'en'));
  // Sorted once a read, not once a request: with a thousand agents the sorts were most of a page's work.
  const snapshot = freshFor(opts.freshMs, async (): Promise<CatalogSnapshot> => {
    const [registry, figures, working] = await Promise.all([
      listAgents(opts.store, { heartbeatTimeoutMs: opts.heartbeatTimeoutMs }),
      allAgentFigures(opts.store),
      workingAgents(opts.store),
    ]);
    // A task recorded working with no live instance stays Offline: nothing runs it now.
    const status = new Map(
      registry.map((r) => [r.id, r.status === 'Available' && working.has(r.id) ? 'Working' : r.status] as const),
    );
    const entries = opts.agents.map((agent) => ({
      agent,
      status: status.get(agent.id) ?? 'Offline',
      figures: figures.get(agent.id) ?? noFigures(agent.id),
      monthlyPaise: opts.monthlyPaise[agent.priceTier],
    }));
    return { sorted: sortedEntries(entries), byId: new Map(entries.map((e) => [e.agent.id, e])) };
  });

  return {
    industries: sorted(opts.agents.flatMap((a) => a.industries)),
    skills: sorted(opts.agents.flatMap((a) => a.skills)),
    snapshot: () => snapshot(undefined),
    entry: async (id) => (await snapshot(undefined)).byId.get(id),
  };
}
