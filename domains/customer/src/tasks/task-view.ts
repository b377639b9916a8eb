import { readSql, type PgQueryable } from '#platform';

const listSql = readSql(import.meta.url, 'select-deliverable-list');

export const taskStates = ['queued', 'working', 'done', 'failed', 'needs-input'] as const;
export type TaskState = (typeof taskStates)[number];
/** States a task never leaves. */
export const finalStates: readonly TaskState[] = ['done', 'failed', 'needs-input'];

/** A task as the API answers it: where it is, and what came of it. */
export interface TaskView {
  id: string;
  agentId: string;
  type: string;
  state: TaskState;
  input: Record<string, unknown>;
  parentTaskId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** failed: the agent's error code and reason. */
  failure: { code: string; reason: string } | null;
  /** needs-input: what the agent asks; a follow-up task answers it. */
  question: string | null;
  summary: string | null;
  model: string | null;
  deliverables: { name: string; mediaType: string; size: number; url: string }[];
  rating: number | null;
}

export interface TaskRow extends Record<string, unknown> {
  id: string;
  agent_id: string;
  task_type: string;
  state: TaskState;
  input: Record<string, unknown>;
  parent_task_id: string | null;
  reason_code: string | null;
  reason: string | null;
  question: string | null;
  summary: string | null;
  model: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  stars: number | null;
}

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

/** The rows as views, each with its deliverables (read in one query for all of them). */
export async function taskViews(db: PgQueryable, rows: readonly TaskRow[]): Promise<TaskView[]> {
  const files = new Map<string, TaskView['deliverables']>();
  if (rows.some((r) => r.state === 'done')) {
    const { rows: found } = await db.query<{ task_id: string; name: string; media_type: string; size: number }>(
      listSql,
      [rows.filter((r) => r.state === 'done').map((r) => r.id)],
    );
    for (const d of found)
      files.set(d.task_id, [
        ...(files.get(d.task_id) ?? []),
        {
          name: d.name,
          mediaType: d.media_type,
          size: d.size,
          url: `/api/tasks/${d.task_id}/deliverables/${encodeURIComponent(d.name)}`,
        },
      ]);
  }
  return rows.map((r) => ({
    id: r.id,
    agentId: r.agent_id,
    type: r.task_type,
    state: r.state,
    input: r.input,
    parentTaskId: r.parent_task_id,
    createdAt: new Date(r.created_at).toISOString(),
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    failure: r.state === 'failed' ? { code: r.reason_code ?? '', reason: r.reason ?? '' } : null,
    question: r.question,
    summary: r.summary,
    model: r.model,
    deliverables: files.get(r.id) ?? [],
    rating: r.stars,
  }));
}
