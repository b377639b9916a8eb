import { type PgQueryable } from '#platform';
import type { ParsedCacheStatsRequest } from './cache-stats-protocol.ts';
import { lastTuningChanges, type RecordedChange } from '../tuning/tuning-changes.ts';
import { readNamespaceStats, type NamespaceStats } from './read-cache-stats.ts';

// The protocol lives in its own module, which the platform's generated protocol map imports.
export { cacheStatsProtocol, cacheStatsRequest, type CacheStatsRequest } from './cache-stats-protocol.ts';

/** What cache.stats answers and `wow cache stats` prints. */
export interface CacheStats {
  since: string;
  windowMinutes: number;
  namespaces: NamespaceStats[];
  /** The newest tuning changes first (of the namespace asked, when one was). */
  changes: RecordedChange[];
}

export async function readCacheStats(
  db: PgQueryable,
  request: ParsedCacheStatsRequest,
  now: Date,
): Promise<CacheStats> {
  const since = new Date(now.getTime() - request.windowMinutes * 60_000);
  const all = await readNamespaceStats(db, since);
  const changes = await lastTuningChanges(db, request.namespace === undefined ? request.changes : 100);
  const namespace = request.namespace;
  return {
    since: since.toISOString(),
    windowMinutes: request.windowMinutes,
    namespaces: namespace === undefined ? all : all.filter((n) => n.namespace === namespace),
    changes: (namespace === undefined ? changes : changes.filter((c) => c.namespace === namespace)).slice(
      0,
      request.changes,
    ),
  };
}
