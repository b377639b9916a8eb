import type { PgQueryable } from '#platform';

/** What one agent did for one organisation, from its tasks and the organisation's ratings of them. */
export interface AgentWork {
  agentId: string;
  tasksCompleted: number;
  tasksFailed: number;
  /** Queued or working now. */
  tasksOpen: number;
  /** The organisation's 1–5 ratings of the agent's done tasks: their sum and count (the mean is sum / count). */
  rating: { mean: number | null; count: number; starsTotal: number };
  /** Started→completed over the done tasks whose start is known, as the marketplace counts it. */
  responseTime: { medianMs: number | null; p95Ms: number | null; count: number };
  /** The time the agent spent working on the done tasks: the sum of their started→completed. */
  activeMs: number;
}

/** How many tasks of one type an agent completed for the organisation: what the ROI multiplies. */
export interface CompletedCount {
  agentId: string;
  taskType: string;
  completed: number;
}

/** One day's completed tasks of one type, in the organisation's time zone. */
export interface DailyCount extends CompletedCount {
  /** YYYY-MM-DD. */
  day: string;
}

interface WorkRow extends Record<string, unknown> {
  agent_id: string;
  completed: number;
  failed: number;
  open: number;
  ratings: number;
  stars_total: number;
  timed: number;
  p50: number | null;
  p95: number | null;
  active_ms: number;
}

// percentile_cont skips the nulls: a done task without a known start is counted, not timed.
const workSql = `
with tasks as (
  select t.id, t.agent_id, t.state,
         case when t.state = 'done' and t.started_at is not null and t.finished_at >= t.started_at
              then (extract(epoch from t.finished_at - t.started_at) * 1000)::double precision end as ms
  from customer_tasks t
  where t.organisation_id = $1
)
select k.agent_id,
       (count(*) filter (where k.state = 'done'))::int as completed,
       (count(*) filter (where k.state = 'failed'))::int as failed,
       (count(*) filter (where k.state in ('queued', 'working')))::int as open,
       (count(r.stars) filter (where k.state = 'done'))::int as ratings,
       (coalesce(sum(r.stars) filter (where k.state = 'done'), 0))::int as stars_total,
       count(k.ms)::int as timed,
       percentile_cont(0.5) within group (order by k.ms) as p50,
       percentile_cont(0.95) within group (order by k.ms) as p95,
       coalesce(sum(k.ms), 0)::double precision as active_ms
from tasks k
left join customer_task_ratings r on r.task_id = k.id
group by k.agent_id
order by k.agent_id`;

/** Every agent's work for the organisation that sent it any task, by agent id. */
export async function organisationWork(db: PgQueryable, organisationId: string): Promise<Map<string, AgentWork>> {
  const { rows } = await db.query<WorkRow>(workSql, [organisationId]);
  return new Map(
    rows.map((r) => [
      r.agent_id,
      {
        agentId: r.agent_id,
        tasksCompleted: r.completed,
        tasksFailed: r.failed,
        tasksOpen: r.open,
        rating: {
          mean: r.ratings === 0 ? null : r.stars_total / r.ratings,
          count: r.ratings,
          starsTotal: r.stars_total,
        },
        responseTime: { medianMs: r.p50, p95Ms: r.p95, count: r.timed },
        activeMs: Math.round(r.active_ms),
      },
    ]),
  );
}

/** The organisation's done tasks counted by agent and task type. */
export async function completedCounts(db: PgQueryable, organisationId: string): Promise<CompletedCount[]> {
  const { rows } = await db.query<{ agent_id: string; task_type: string; completed: number }>(
    `select agent_id, task_type, count(*)::int as completed from customer_tasks
      where organisation_id = $1 and state = 'done' group by agent_id, task_type order by agent_id, task_type`,
    [organisationId],
  );
  return rows.map((r) => ({ agentId: r.agent_id, taskType: r.task_type, completed: r.completed }));
}

/**
 * The organisation's done tasks per day (in `timeZone`, an IANA zone the caller checked)
 * from `from` to `to` (YYYY-MM-DD, both included), by agent and task type; days without
 * any are absent.
 */
export async function dailyCounts(
  db: PgQueryable,
  organisationId: string,
  range: { from: string; to: string; timeZone: string },
): Promise<DailyCount[]> {
  const { rows } = await db.query<{ day: string; agent_id: string; task_type: string; completed: number }>(
    `select to_char((finished_at at time zone $2)::date, 'YYYY-MM-DD') as day, agent_id, task_type, count(*)::int as completed
       from customer_tasks
      where organisation_id = $1 and state = 'done'
        and finished_at >= ($3::date::timestamp at time zone $2) and finished_at < (($4::date + 1)::timestamp at time zone $2)
      group by 1, agent_id, task_type order by 1, agent_id, task_type`,
    [organisationId, range.timeZone, range.from, range.to],
  );
  return rows.map((r) => ({ day: r.day, agentId: r.agent_id, taskType: r.task_type, completed: r.completed }));
}
