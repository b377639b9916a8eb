import { rm } from 'node:fs/promises';
import { readSql } from '../store/read-sql.ts';
import type { Store } from '../store/store.ts';
import { manifestPath } from './backup-manifest.ts';
import { listBackups } from './list-backups.ts';

const deleteSql = readSql(import.meta.url, 'delete-backups');

export interface Retention {
  /** The newest backup of each of the last `daily` days that have one. */
  daily: number;
  /** The newest backup of each of the last `weekly` ISO weeks that have one. */
  weekly: number;
}

/** Monday of the UTC week `at` falls in, as YYYY-MM-DD: one key per ISO week. */
function weekOf(at: Date): string {
  const monday = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  return monday.toISOString().slice(0, 10);
}

/**
 * The backups to keep, grandfather-father style: the newest of each of the last `daily`
 * days and of each of the last `weekly` weeks. The newest backup is always kept.
 */
export function backupsToKeep(backups: readonly { id: string; finishedAt: Date }[], keep: Retention): Set<string> {
  const newestFirst = [...backups].sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime());
  const kept = new Set<string>();
  const pick = (period: (at: Date) => string, count: number) => {
    const seen = new Set<string>();
    for (const b of newestFirst) {
      const key = period(b.finishedAt);
      if (seen.has(key)) continue;
      if (seen.size === count) break;
      seen.add(key);
      kept.add(b.id);
    }
  };
  pick((at) => at.toISOString().slice(0, 10), keep.daily);
  pick(weekOf, keep.weekly);
  if (newestFirst[0] !== undefined) kept.add(newestFirst[0].id);
  return kept;
}

/**
 * Deletes the scheduled backups retention no longer keeps: the files first, then their
 * rows, so a row never names a file that is gone. Backups taken by hand are the
 * operator's to delete.
 */
export async function pruneBackups(store: Store, keep: Retention): Promise<string[]> {
  const scheduled = await listBackups(store, true);
  const kept = backupsToKeep(scheduled, keep);
  const gone = scheduled.filter((b) => !kept.has(b.id));
  for (const b of gone) {
    await rm(b.file, { force: true });
    await rm(manifestPath(b.file), { force: true });
  }
  if (gone.length > 0) await store.query(deleteSql, [gone.map((b) => b.id)]);
  return gone.map((b) => b.file);
}
