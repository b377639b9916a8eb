import type { PgQueryable } from '#platform';

/** Deletes the facts whose TTL has passed (their recall entries go with them); returns how many. */
export async function sweepExpired(db: PgQueryable, now: Date): Promise<number> {
  const { rowCount } = await db.query('delete from memory_facts where expires_at <= $1', [now]);
  return rowCount ?? 0;
}
