import { readSql, type PgQueryable } from '#platform';

const sql = { figures: readSql(import.meta.url, 'select-namespace-figures') };

/** One namespace's figures over a window, summed over every process. */
export interface NamespaceStats {
  namespace: string;
  /** L1 hits + L2 hits + loads; reads that waited for another's load are counted apart. */
  reads: number;
  l1Hits: number;
  l2Hits: number;
  loads: number;
  /** L1 hits per read. */
  l1HitRate: number;
  /** L2 hits per read L1 missed. */
  l2HitRate: number;
  /** Reads answered without the loader. */
  hitRate: number;
  /** Mean loader latency, ms; null without a load. */
  loadMsMean: number | null;
  evictions: number;
  expired: number;
  stampedeWaits: number;
  oversize: number;
  /** The most entries any process's L1 held, and its bound now. */
  l1EntriesMax: number;
  l1Bound: number;
  /** WowCache's tuning of it; null: the platform's defaults (TTL factor 1, CACHE_L1_MAX_ENTRIES). */
  tuning: { ttlFactor: number; l1MaxEntries: number } | null;
}

type Row = {
  namespace: string;
  l1_hits: number;
  l2_hits: number;
  loads: number;
  load_ms_sum: number;
  evictions: number;
  expired: number;
  stampede_waits: number;
  oversize: number;
  l1_entries_max: number;
  l1_bound: number;
  ttl_factor: number | null;
  l1_max_entries: number | null;
};

const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/** Every namespace read since `since`, with its hit rates per level. */
export async function readNamespaceStats(db: PgQueryable, since: Date): Promise<NamespaceStats[]> {
  const { rows } = await db.query<Row>(sql.figures, [since]);
  return rows.map((r) => {
    const reads = r.l1_hits + r.l2_hits + r.loads;
    return {
      namespace: r.namespace,
      reads,
      l1Hits: r.l1_hits,
      l2Hits: r.l2_hits,
      loads: r.loads,
      l1HitRate: share(r.l1_hits, reads),
      l2HitRate: share(r.l2_hits, reads - r.l1_hits),
      hitRate: share(r.l1_hits + r.l2_hits, reads),
      loadMsMean: r.loads === 0 ? null : r.load_ms_sum / r.loads,
      evictions: r.evictions,
      expired: r.expired,
      stampedeWaits: r.stampede_waits,
      oversize: r.oversize,
      l1EntriesMax: r.l1_entries_max,
      l1Bound: r.l1_bound,
      tuning:
        r.ttl_factor === null || r.l1_max_entries === null
          ? null
          : { ttlFactor: r.ttl_factor, l1MaxEntries: r.l1_max_entries },
    };
  });
}
