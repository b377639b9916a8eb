import { createHash } from 'node:crypto';
import type { PgQueryable } from '#platform';

/** One piece of an agent's recent work, as the profile's live feed shows it: no customer, no task id. */
export interface ActivityItem {
  /** Stable for the task and meaningless outside the feed: a browser adds each item once. */
  key: string;
  /** The agent's one-line anonymised summary, e.g. "audited a product page for an E-commerce business". */
  summary: string;
  /** When the task was completed (ISO 8601). */
  at: string;
}

/** The agent's newest completed tasks, newest first. */
export async function recentActivity(db: PgQueryable, agentId: string, limit: number): Promise<ActivityItem[]> {
  const { rows } = await db.query<{ task_id: string; summary: string; finished_at: Date }>(
    `select task_id, summary, finished_at from customer_figures_tasks
     where agent_id = $1 and outcome = 'completed' and summary is not null
     order by finished_at desc, task_id limit $2`,
    [agentId, limit],
  );
  return rows.map((r) => ({
    key: createHash('sha256').update(`activity:${r.task_id}`).digest('base64url').slice(0, 16),
    summary: r.summary,
    at: new Date(r.finished_at).toISOString(),
  }));
}
