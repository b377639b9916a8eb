import type { Metrics, PgQueryable } from '#platform';

/**
 * `/metrics`: what the size limits evicted, and what memory holds, per kind of owner, read
 * from the tables at scrape time so every process reports the same totals (evictions
 * happen in whichever process wrote). Only bounded labels: never a customer or an agent.
 */
export function watchMemoryMetrics(db: PgQueryable, metrics: Metrics): void {
  metrics.watchGauge({
    name: 'wow_memory_evicted_entries',
    help: 'Facts and messages the size limits evicted (WOWMEMORY_MAX_*), over the owners memory still holds',
    labelNames: ['owner_kind', 'kind'] as const,
    async read() {
      const { rows } = await db.query<{ owner_kind: string; kind: string; n: string }>(
        'select owner_kind, kind, sum(evicted)::text as n from memory_evictions group by owner_kind, kind',
      );
      return rows.map((r) => ({ labels: { owner_kind: r.owner_kind, kind: r.kind }, value: Number(r.n) }));
    },
  });
  metrics.watchGauge({
    name: 'wow_memory_entries',
    help: 'Facts and messages memory holds, by kind of owner (customer, agent)',
    labelNames: ['owner_kind', 'kind'] as const,
    async read() {
      const { rows } = await db.query<{ owner_kind: string; kind: string; n: string }>(
        `select owner_kind, 'fact' as kind, count(*)::text as n from memory_facts group by owner_kind
         union all select owner_kind, 'message', count(*)::text from memory_messages group by owner_kind`,
      );
      return rows.map((r) => ({ labels: { owner_kind: r.owner_kind, kind: r.kind }, value: Number(r.n) }));
    },
  });
}
