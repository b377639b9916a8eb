import type { Store } from '#platform';
import type { CacheSettings } from '../cache-settings.ts';
import { readNamespaceStats } from '../stats/read-cache-stats.ts';
import { decideTuning } from './decide-tuning.ts';
import type { TuningChange } from './tuning-changes.ts';

/**
 * One look at every namespace read in the window: the changes `decideTuning` asks for are
 * written to cache_tuning (which every process reads within its refresh interval) and
 * recorded with their reasons and figures in cache_tuning_changes, in one transaction.
 */
export async function tuneCaches(store: Store, settings: CacheSettings, now: Date): Promise<TuningChange[]> {
  const since = new Date(now.getTime() - settings.windowMinutes * 60_000);
  const decided = (await readNamespaceStats(store, since)).map((stats) => ({
    stats,
    changes: decideTuning(stats, settings),
  }));
  const changed = decided.filter((d) => d.changes.length > 0);
  if (changed.length === 0) return [];
  await store.transaction(async (tx) => {
    for (const { stats, changes } of changed) {
      const value = (setting: TuningChange['setting'], current: number) =>
        changes.find((c) => c.setting === setting)?.to ?? current;
      await tx.query(
        `insert into cache_tuning (namespace, ttl_factor, l1_max_entries, updated_at) values ($1, $2, $3, $4)
         on conflict (namespace) do update set ttl_factor = $2, l1_max_entries = $3, updated_at = $4`,
        [
          stats.namespace,
          value('ttl_factor', stats.tuning?.ttlFactor ?? 1),
          value('l1_max_entries', stats.tuning?.l1MaxEntries ?? stats.l1Bound),
          now,
        ],
      );
      for (const c of changes)
        await tx.query(
          `insert into cache_tuning_changes (namespace, at, setting, old_value, new_value, reason, figures)
           values ($1, $2, $3, $4, $5, $6, $7)`,
          [c.namespace, now, c.setting, c.from, c.to, c.reason, JSON.stringify(stats)],
        );
    }
  });
  return changed.flatMap((d) => d.changes);
}

/** Drops figures older than the retention; tuning and its history stay. */
export async function pruneFigures(store: Store, before: Date): Promise<number> {
  const { rowCount } = await store.query('delete from cache_namespace_minutes where minute < $1', [before]);
  return rowCount ?? 0;
}
