import { readSql, type PgQueryable } from '#platform';
import { createError } from '../errors.ts';
import { taskStates, taskViews, type TaskRow, type TaskState, type TaskView } from './task-view.ts';

const sql = {
  task: readSql(import.meta.url, 'select-task'),
  tasks: readSql(import.meta.url, 'select-tasks'),
  deliverable: readSql(import.meta.url, 'select-deliverable'),
};

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isTaskId = (id: string) => uuid.test(id);

/** The organisation's task, or WOW_ERR_TASK_NOT_FOUND (another organisation's answers as one that does not exist). */
export async function getTask(db: PgQueryable, organisationId: string, taskId: string): Promise<TaskView> {
  const row = isTaskId(taskId) ? (await db.query<TaskRow>(sql.task, [taskId, organisationId])).rows[0] : undefined;
  if (row === undefined) throw createError('WOW_ERR_TASK_NOT_FOUND', { task: taskId.slice(0, 40) });
  return (await taskViews(db, [row]))[0] as TaskView;
}

/** The organisation's latest tasks, newest first; in one state when `state` names one. */
export async function listTasks(
  db: PgQueryable,
  organisationId: string,
  opts: { state?: string | undefined; limit?: number } = {},
): Promise<TaskView[]> {
  const state = opts.state === undefined || opts.state === '' ? null : opts.state;
  if (state !== null && !taskStates.includes(state as TaskState))
    throw createError('WOW_ERR_TASK_INPUT', {
      problems: `state: expected one of ${taskStates.join(', ')}`,
    });
  const { rows } = await db.query<TaskRow>(sql.tasks, [organisationId, state, Math.min(opts.limit ?? 100, 100)]);
  return taskViews(db, rows);
}

/** A deliverable's bytes and media type, only from the organisation's own task. */
export async function getDeliverable(
  db: PgQueryable,
  organisationId: string,
  taskId: string,
  name: string,
): Promise<{ mediaType: string; bytes: Buffer }> {
  const row = isTaskId(taskId)
    ? (await db.query<{ media_type: string; bytes: Buffer }>(sql.deliverable, [taskId, name, organisationId])).rows[0]
    : undefined;
  if (row === undefined)
    throw createError('WOW_ERR_DELIVERABLE_NOT_FOUND', { task: taskId.slice(0, 40), name: name.slice(0, 100) });
  return { mediaType: row.media_type, bytes: row.bytes };
}
