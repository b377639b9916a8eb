import type { PgQueryable } from '#platform';
import { taskViews, type TaskRow, type TaskView } from '../tasks/task-view.ts';

/** The organisation's latest tasks sent to one agent, newest first, each with its deliverables and rating. */
export async function agentTasks(
  db: PgQueryable,
  organisationId: string,
  agentId: string,
  limit: number,
): Promise<TaskView[]> {
  const { rows } = await db.query<TaskRow>(
    `select t.id::text, t.agent_id, t.task_type, t.state, t.input, t.parent_task_id::text, t.reason_code, t.reason,
            t.question, t.summary, t.model, t.created_at, t.started_at, t.finished_at, r.stars
       from customer_tasks t left join customer_task_ratings r on r.task_id = t.id
      where t.organisation_id = $1 and t.agent_id = $2
      order by t.created_at desc, t.id limit $3`,
    [organisationId, agentId.slice(0, 64), Math.min(Math.max(limit, 1), 100)],
  );
  return taskViews(db, rows);
}
