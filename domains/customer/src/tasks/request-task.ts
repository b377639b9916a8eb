import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createEvent, enqueueOutbox, readSql, type PgQueryable, type Store, type TaskTerms } from '#platform';
import { createError } from '../errors.ts';
import { checkTaskInput, inputErrors } from './check-task-input.ts';
import { getTask } from './read-tasks.ts';
import type { TaskView } from './task-view.ts';

const sql = {
  insert: readSql(import.meta.url, 'insert-task'),
  byKey: readSql(import.meta.url, 'select-task-by-key'),
  parent: readSql(import.meta.url, 'select-parent'),
  requester: readSql(import.meta.url, 'insert-requester'),
};

/** Where the task API's events come from. */
export const taskApiSource = 'wow/customer-tasks';

/** An agent that takes tasks: its id and the `tasks:` of its manifest. */
export interface TaskAgent {
  id: string;
  tasks: Readonly<Record<string, TaskTerms>>;
}

/** Whether the organisation may send the agent work now (an active trial or subscription), and if not, why and what to do. */
export type Entitlement = (
  organisationId: string,
  agentId: string,
  at: Date,
) => Promise<{ ok: true; via: 'trial' | 'subscription' } | { ok: false; reason: string; action: string }>;

export interface TaskRequest {
  organisation: { id: string; slug: string };
  /** The signed-in member who sends it (undefined for an API key): the one its notices reach unless they chose otherwise. */
  requestedBy?: string | undefined;
  /** The agent the path names, or undefined when no agent by that id takes tasks. */
  agent: TaskAgent | undefined;
  agentId: string;
  idempotencyKey: string | undefined;
  body: unknown;
  entitled: Entitlement;
  now: Date;
}

/** A new task's answer, or the first answer again for a repeated Idempotency-Key. */
export interface TaskAnswer {
  task: TaskView;
  replayed: boolean;
}

const requestBody = z.strictObject({
  type: z.string().min(1).max(64),
  input: z.record(z.string(), z.unknown()),
  parentTaskId: z.uuid().optional(),
});
// Printable ASCII, as the ticket API takes it.
const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/);

/**
 * `POST /api/agents/:id/tasks`: checks the body, the input against the task type's JSON
 * Schema and the organisation's entitlement, then writes the task queued and its
 * customer.task.requested into the outbox in one transaction. The same Idempotency-Key
 * with the same request answers the same task; with another request, WOW_ERR_TASK_KEY_REUSED.
 */
export async function requestTask(store: Store, request: TaskRequest): Promise<TaskAnswer> {
  const { agent, organisation } = request;
  if (agent === undefined || Object.keys(agent.tasks).length === 0)
    throw createError('WOW_ERR_TASK_AGENT_UNKNOWN', { agent: request.agentId.slice(0, 64) });
  const key = request.idempotencyKey === undefined ? undefined : idempotencyKey.safeParse(request.idempotencyKey);
  if (key?.success === false)
    throw inputErrors([{ field: 'Idempotency-Key', message: 'expected 1 to 200 printable ASCII characters' }]);
  const parsed = requestBody.safeParse(request.body);
  if (!parsed.success)
    throw inputErrors(
      parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message.slice(0, 200) })),
    );
  const body = parsed.data;
  const terms = Object.hasOwn(agent.tasks, body.type) ? agent.tasks[body.type] : undefined;
  if (terms === undefined)
    throw createError(
      'WOW_ERR_TASK_TYPE_UNKNOWN',
      { agent: agent.id, type: body.type, known: Object.keys(agent.tasks).join(', ') },
      { data: { errors: [{ field: 'type', message: `expected one of ${Object.keys(agent.tasks).join(', ')}` }] } },
    );
  const input = checkTaskInput(terms, body.input);
  const entitlement = await request.entitled(organisation.id, agent.id, request.now);
  if (!entitlement.ok)
    throw createError(
      'WOW_ERR_TASK_NOT_ENTITLED',
      { agent: agent.id, reason: entitlement.reason, action: entitlement.action },
      { data: { reason: entitlement.reason, action: entitlement.action } },
    );
  const sha = createHash('sha256')
    .update(JSON.stringify([agent.id, body.type, canonical(input), body.parentTaskId ?? null]))
    .digest('hex');
  return store.transaction(async (tx) => {
    if (body.parentTaskId !== undefined) await assertParent(tx, organisation.id, agent.id, body.parentTaskId);
    const id = randomUUID();
    const inserted = await tx.query<{ id: string }>(sql.insert, [
      id,
      organisation.id,
      agent.id,
      body.type,
      JSON.stringify(input),
      body.parentTaskId ?? null,
      key?.data ?? null,
      sha,
      request.now,
    ]);
    if (inserted.rows.length === 0) return replay(tx, organisation.id, key?.data ?? '', sha);
    if (request.requestedBy !== undefined) await tx.query(sql.requester, [id, organisation.id, request.requestedBy]);
    await enqueueOutbox(
      tx,
      createEvent({
        source: taskApiSource,
        type: 'customer.task.requested',
        subject: id,
        partitionkey: id,
        // The organisation's slug: its memory (the questionnaire's answers) is the agent's to read.
        customer: organisation.slug,
        data: {
          taskId: id,
          organisationId: organisation.id,
          agentId: agent.id,
          taskType: body.type,
          input,
          ...(body.parentTaskId === undefined ? {} : { parentTaskId: body.parentTaskId }),
        },
      }),
    );
    return { task: await getTask(tx, organisation.id, id), replayed: false };
  });
}

/** The task first sent with this key, when the request is the same. */
async function replay(tx: PgQueryable, organisationId: string, key: string, sha: string): Promise<TaskAnswer> {
  const first = (await tx.query<{ id: string; request_sha256: string }>(sql.byKey, [organisationId, key])).rows[0];
  if (first === undefined) throw new Error(`the task sent with Idempotency-Key ${key} is gone`);
  if (first.request_sha256 !== sha) throw createError('WOW_ERR_TASK_KEY_REUSED', { key, task: first.id });
  return { task: await getTask(tx, organisationId, first.id), replayed: true };
}

async function assertParent(tx: PgQueryable, organisationId: string, agentId: string, parentId: string) {
  const parent = (await tx.query<{ agent_id: string; state: string }>(sql.parent, [parentId, organisationId])).rows[0];
  const problem =
    parent === undefined
      ? 'your organisation has no such task'
      : parent.agent_id !== agentId
        ? `it was sent to ${parent.agent_id}, not ${agentId}`
        : parent.state !== 'done'
          ? `it is ${parent.state}, not done`
          : undefined;
  if (problem !== undefined)
    throw createError(
      'WOW_ERR_TASK_PARENT',
      { task: parentId, problem },
      { data: { errors: [{ field: 'parentTaskId', message: problem }] } },
    );
}

/** The same input whatever the order of its keys. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
