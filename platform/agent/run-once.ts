import { readSql } from '../store/read-sql.ts';
import type { PgQueryable, Store } from '../store/store.ts';

const claimSql = readSql(import.meta.url, 'claim-processed-message');
const selectSql = readSql(import.meta.url, 'select-processed-message');
const recordSql = readSql(import.meta.url, 'record-processed-result');

/**
 * Runs `effect` at most once per (scope, key): the key is recorded in the same transaction
 * as the effect's own writes, so both commit together or not at all. A second run, even a
 * concurrent one, returns the first run's result instead of repeating the effect.
 */
export async function runOnce<T>(
  store: Store,
  scope: string,
  key: string,
  effect: (tx: PgQueryable) => Promise<T>,
): Promise<{ result: T; firstRun: boolean }> {
  return store.transaction(async (tx) => {
    const claimed = await tx.query(claimSql, [scope, key]);
    if (claimed.rowCount === 0) {
      const { rows } = await tx.query<{ result: T }>(selectSql, [scope, key]);
      return { result: rows[0]?.result as T, firstRun: false };
    }
    const result = await effect(tx);
    await tx.query(recordSql, [scope, key, JSON.stringify(result ?? null)]);
    return { result, firstRun: true };
  });
}
