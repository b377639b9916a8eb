import { readSql, type PgQueryable } from '#platform';
import type { HealthFigures, HealthPolicy } from './judge-health.ts';

const sql = { figures: readSql(import.meta.url, 'select-health-figures') };

type Row = {
  agent_id: string;
  base_handled: number;
  base_failed: number;
  base_ms: number;
  cur_handled: number;
  cur_failed: number;
  cur_ms: number;
};

/** Every agent with handling in the baseline span, its baseline and current figures at `now`. */
export async function healthFigures(
  db: PgQueryable,
  now: Date,
  policy: Pick<HealthPolicy, 'windowMinutes' | 'baselineHours'>,
): Promise<HealthFigures[]> {
  const { rows } = await db.query<Row>(sql.figures, [now.toISOString(), policy.windowMinutes, policy.baselineHours]);
  const span = (handled: number, failed: number, ms: number) => ({
    handled,
    errorRate: handled === 0 ? 0 : failed / handled,
    meanMs: handled === 0 ? 0 : ms / handled,
  });
  return rows.map((r) => ({
    agentId: r.agent_id,
    baseline: span(r.base_handled, r.base_failed, r.base_ms),
    current: span(r.cur_handled, r.cur_failed, r.cur_ms),
  }));
}
