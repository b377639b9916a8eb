import { readSql, type PgQueryable } from '#platform';

const sql = readSql(import.meta.url, 'prune-idempotency');

/**
 * Removes stored Idempotency-Key answers after a day, so the table does not grow for ever;
 * a retry later than that is a new request. Returns how many went.
 */
export async function pruneIdempotency(db: PgQueryable, now: Date): Promise<number> {
  return (await db.query<{ n: number }>(sql, [now.toISOString()])).rows[0]?.n ?? 0;
}
