import { readSql } from '../store/read-sql.ts';
import type { PgQueryable } from '../store/store.ts';

const sql = { add: readSql(import.meta.url, 'add-cache-minutes') };

/** What one namespace counted; the same shape per minute and since the start. */
export interface Counts {
  l1Hits: number;
  l2Hits: number;
  /** Loader calls (L3). */
  loads: number;
  loadSecondsSum: number;
  /** L1 entries pushed out for room (not expired, not invalidated). */
  evictions: number;
  /** Reads whose L1 entry had expired. */
  expired: number;
  /** Callers that waited for another's load of the same key, here or in another process. */
  stampedeWaits: number;
  /** Values not cached because their JSON exceeded the size bound. */
  oversize: number;
}

export type CountName = keyof Counts;

const zero = (): Counts => ({
  l1Hits: 0,
  l2Hits: 0,
  loads: 0,
  loadSecondsSum: 0,
  evictions: 0,
  expired: 0,
  stampedeWaits: 0,
  oversize: 0,
});

interface Minute extends Counts {
  namespace: string;
  minute: string;
  l1EntriesMax: number;
  l1Bound: number;
}

/** The namespace's L1 as a count finds it: its entries and its bound. */
export interface L1Size {
  entries: number;
  bound: number;
}

/**
 * Each namespace's counts in this process: since the start (for `figures()`), and per
 * minute until they are added to cache_namespace_minutes, the record every process
 * shares and WowCache tunes from. A failed flush keeps its counts for the next.
 */
export function createCacheFigures(clock: () => number = Date.now) {
  const totals = new Map<string, Counts>();
  let pending = new Map<string, Minute>();
  const minuteOf = (namespace: string, l1: L1Size): Minute => {
    const minute = new Date(Math.floor(clock() / 60_000) * 60_000).toISOString();
    const key = `${namespace} ${minute}`;
    let m = pending.get(key);
    if (m === undefined) {
      m = { ...zero(), namespace, minute, l1EntriesMax: l1.entries, l1Bound: l1.bound };
      pending.set(key, m);
    }
    m.l1EntriesMax = Math.max(m.l1EntriesMax, l1.entries);
    m.l1Bound = Math.max(m.l1Bound, l1.bound);
    return m;
  };
  return {
    add(namespace: string, name: CountName, l1: L1Size, by = 1): void {
      let total = totals.get(namespace);
      if (total === undefined) totals.set(namespace, (total = zero()));
      total[name] += by;
      minuteOf(namespace, l1)[name] += by;
    },
    totals(namespace: string): Counts {
      return { ...(totals.get(namespace) ?? zero()) };
    },
    async flush(db: PgQueryable): Promise<void> {
      if (pending.size === 0) return;
      const batch = pending;
      pending = new Map();
      const rows = [...batch.values()];
      try {
        await db.query(sql.add, [
          rows.map((r) => r.namespace),
          rows.map((r) => r.minute),
          rows.map((r) => r.l1Hits),
          rows.map((r) => r.l2Hits),
          rows.map((r) => r.loads),
          rows.map((r) => r.loadSecondsSum * 1000),
          rows.map((r) => r.evictions),
          rows.map((r) => r.expired),
          rows.map((r) => r.stampedeWaits),
          rows.map((r) => r.oversize),
          rows.map((r) => r.l1EntriesMax),
          rows.map((r) => r.l1Bound),
        ]);
      } catch (err) {
        for (const [key, m] of batch) {
          const later = pending.get(key);
          if (later === undefined) pending.set(key, m);
          else {
            for (const name of Object.keys(zero()) as CountName[]) later[name] += m[name];
            later.l1EntriesMax = Math.max(later.l1EntriesMax, m.l1EntriesMax);
            later.l1Bound = Math.max(later.l1Bound, m.l1Bound);
          }
        }
        throw err;
      }
    },
  };
}

export type CacheFigures = ReturnType<typeof createCacheFigures>;
