import { readSql, type PgQueryable } from '#platform';
import { pruneIdempotency } from '#domains/support';
import { defaultHealthPolicy } from '../incidents/judge-health.ts';

const sql = {
  health: readSql(import.meta.url, 'prune-health-minutes'),
};

/**
 * Removes what the desk no longer needs, so its tables do not grow for ever: stored
 * Idempotency-Key answers after a day, and agents' per-minute health once it is older
 * than any baseline looks back (a day of margin beyond it).
 */
export async function pruneExpired(
  db: PgQueryable,
  now: Date,
): Promise<{ idempotencyKeys: number; healthMinutes: number }> {
  const idempotencyKeys = await pruneIdempotency(db, now);
  const healthMinutes =
    (await db.query<{ n: number }>(sql.health, [now.toISOString(), defaultHealthPolicy.baselineHours + 24])).rows[0]
      ?.n ?? 0;
  return { idempotencyKeys, healthMinutes };
}
