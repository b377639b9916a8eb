import { readSql, type MemoryOwner, type PgQueryable } from '#platform';

const sql = {
  fact: readSql(import.meta.url, 'evict-facts'),
  message: readSql(import.meta.url, 'evict-messages'),
  record: readSql(import.meta.url, 'record-evictions'),
};

/**
 * Keeps the newest `keep` facts or messages of `owner` and deletes the rest (their recall
 * entries go with them), counting what went in memory_evictions. Returns how many went.
 */
export async function evictOldest(
  tx: PgQueryable,
  owner: MemoryOwner,
  kind: 'fact' | 'message',
  keep: number,
  now: Date,
): Promise<number> {
  const { rows } = await tx.query(sql[kind], [owner.kind, owner.id, keep]);
  if (rows.length > 0) await tx.query(sql.record, [owner.kind, owner.id, kind, rows.length, now]);
  return rows.length;
}
