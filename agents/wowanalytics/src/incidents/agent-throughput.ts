import { readSql, type PgQueryable } from '#platform';

const sql = { throughput: readSql(import.meta.url, 'select-throughput') };

/** One agent's handling over a span: events (tasks among them) handled per hour and the share that failed. */
export interface Throughput {
  agentId: string;
  handled: number;
  failed: number;
  perHour: number;
  /** failed / handled; null when nothing was handled (no rate to speak of). */
  errorRate: number | null;
}

/**
 * Every agent that handled anything in the `hours` before `now`, by agent id: the read model
 * of the operators' dashboard, over the per-minute counts every runtime adds to.
 */
export async function agentThroughput(db: PgQueryable, now: Date, hours: number): Promise<Map<string, Throughput>> {
  const { rows } = await db.query<{ agent_id: string; handled: number; failed: number }>(sql.throughput, [
    now.toISOString(),
    hours,
  ]);
  return new Map(
    rows.map((r) => [
      r.agent_id,
      {
        agentId: r.agent_id,
        handled: r.handled,
        failed: r.failed,
        perHour: r.handled / hours,
        errorRate: r.handled === 0 ? null : r.failed / r.handled,
      },
    ]),
  );
}
