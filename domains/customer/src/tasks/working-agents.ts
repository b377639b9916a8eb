import { readSql, type PgQueryable } from '#platform';

const sql = readSql(import.meta.url, 'select-working-agents');

/** A task working longer than this no longer shows its agent Working: its end was most likely lost. */
export const workingWindowSeconds = 15 * 60;

/**
 * The agents doing a customer's task now (a task recorded working, started within the
 * window): the marketplace shows them Working, from the tasks themselves rather than
 * the heartbeat's sampled count of handlers in flight, which a task of a second rarely meets.
 */
export async function workingAgents(db: PgQueryable): Promise<Set<string>> {
  const { rows } = await db.query<{ agent_id: string }>(sql, [workingWindowSeconds]);
  return new Set(rows.map((r) => r.agent_id));
}
