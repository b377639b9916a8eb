import { readSql, type PgQueryable } from '#platform';
import { defaultHealthPolicy } from '../incidents/judge-health.ts';

const sql = { prune: readSql(import.meta.url, 'prune-health-minutes') };

/**
 * Drops agents' per-minute health once it is older than any baseline looks back (with a day
 * of margin), so the table every runtime adds to does not grow for ever. Returns how many
 * minutes went.
 */
export async function pruneHealthMinutes(db: PgQueryable, now: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql.prune, [
    now.toISOString(),
    defaultHealthPolicy.baselineHours + 24,
  ]);
  return rows[0]?.n ?? 0;
}
