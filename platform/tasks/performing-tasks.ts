import { z } from 'zod';
import type { HandlerContext } from '../agent/agent-context.ts';
import type { EventHandler } from '../agent/define-agent.ts';
import { isWowError } from '../errors/define-errors.ts';
import type { LlmClient } from '../llm/llm-client.ts';
import type { Logger } from '../log/logger.ts';
import { readSql } from '../store/read-sql.ts';
import { asPlatform } from '../store/role-store.ts';
import type { PgQueryable } from '../store/store.ts';
import { encodeDeliverables, type EncodedDeliverable, type TaskDeliverable } from './encode-deliverables.ts';
import { createError } from './errors.ts';
import { readOrganisationContext, readParentDeliverables, type OrganisationContext } from './organisation-context.ts';

export type { TaskDeliverable } from './encode-deliverables.ts';
export type { OrganisationContext } from './organisation-context.ts';

/** What a task's handler returns: its files, and one anonymised line for the live activity feed. */
export interface TaskOutcome {
  deliverables: TaskDeliverable[];
  summary: string;
  /** The model that wrote it, when one did. */
  model?: string | null;
}

/** One task as its handler gets it: the customer's input (checked against the type's schema at the API) and their context. */
export interface CustomerTask<I = Record<string, unknown>> {
  id: string;
  organisationId: string;
  agentId: string;
  type: string;
  input: I;
  organisation: OrganisationContext;
  /** A follow-up's parent task, with the deliverables it asks to change. */
  parent?: { taskId: string; deliverables: TaskDeliverable[] };
  llm?: LlmClient;
  log: Logger;
}

/** Thrown by a handler that cannot do the task without the customer saying more; the task ends needing input. */
export class TaskNeedsInput extends Error {
  override readonly name = 'TaskNeedsInput';
  readonly question: string;
  constructor(question: string) {
    super(question);
    this.question = question;
  }
}

export type TaskHandler = (task: CustomerTask) => Promise<TaskOutcome>;

/** customer.task.requested's data, as domains/customer/model.yml gives it. */
const taskRequested = z.object({
  taskId: z.uuid(),
  organisationId: z.uuid(),
  agentId: z.string().max(64),
  taskType: z.string().max(64),
  input: z.record(z.string(), z.unknown()),
  parentTaskId: z.uuid().optional(),
});
export type TaskRequested = z.infer<typeof taskRequested>;

/** The handler customer agents put under `on['customer.task.requested']`. */
export type AgentHandler<Settings = unknown, State = unknown> = EventHandler<Settings, State, TaskRequested>;

const declaredSql = readSql(import.meta.url, 'select-declared-task');
// The model's bounds on what the final events carry.
const maxSummary = 200;
const maxText = 1000;

const bounded = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * The `on` entry for customer.task.requested: runs the handler of the task's type for this
 * agent (tasks for other agents are not its business), emits customer.task.started, then
 * customer.task.completed with the deliverables, customer.task.failed with a reason, or
 * customer.task.needs_input with the handler's question — each once per task however often
 * the event is delivered (`ctx.once`, through the outbox). Nothing is stored by the agent:
 * the deliverables travel in the completed event, so a failure leaves nothing half-written.
 */
export function performingTasks<Settings = unknown, State = unknown>(
  handlers: Readonly<Record<string, TaskHandler>>,
): AgentHandler<Settings, State> {
  return {
    input: taskRequested,
    async handle(ctx, data) {
      if (data.agentId !== ctx.agentId) return;
      const about = { taskId: data.taskId, organisationId: data.organisationId, agentId: ctx.agentId };
      const emit = (key: string, type: string, eventData: Record<string, unknown>) =>
        ctx.once(`customer-task:${data.taskId}:${key}`, (tx) =>
          ctx.emit({ type, subject: data.taskId, partitionkey: data.taskId, data: { ...about, ...eventData } }, { tx }),
        );
      await emit('started', 'customer.task.started', {});
      let deliverables: EncodedDeliverable[];
      let outcome: TaskOutcome;
      try {
        outcome = await perform(ctx, handlers, data);
        deliverables = encodeDeliverables(ctx.agentId, outcome.deliverables);
      } catch (err) {
        if (err instanceof TaskNeedsInput)
          return emit('final', 'customer.task.needs_input', { question: bounded(err.question, maxText) });
        // A passing outage (a retryable platform error) is tried again while the bus still redelivers.
        if (isWowError(err) && err.retryable && !ctx.delivery.isLastAttempt) throw err;
        ctx.log.warn({ err, task: data.taskId, type: data.taskType }, 'a customer task failed');
        const failure = isWowError(err)
          ? err
          : createError('WOW_ERR_TASK_FAILED', { agent: ctx.agentId, problem: firstLine(err) });
        return emit('final', 'customer.task.failed', { code: failure.code, reason: bounded(failure.message, maxText) });
      }
      return emit('final', 'customer.task.completed', {
        taskType: data.taskType,
        deliverables,
        summary: bounded(outcome.summary.trim() || `did a ${data.taskType} task`, maxSummary),
        model: outcome.model === undefined || outcome.model === null ? null : bounded(outcome.model, 100),
      });
    },
  };
}

/** Runs the task's handler with everything it is given; refuses a type the manifest or the handlers do not know. */
async function perform(
  ctx: HandlerContext<unknown, unknown>,
  handlers: Readonly<Record<string, TaskHandler>>,
  data: TaskRequested,
): Promise<TaskOutcome> {
  const handler = Object.hasOwn(handlers, data.taskType) ? handlers[data.taskType] : undefined;
  const refuse = (problem: string) =>
    createError('WOW_ERR_TASK_TYPE_UNDECLARED', { agent: ctx.agentId, type: data.taskType, problem });
  if (handler === undefined) throw refuse('has no handler in its performingTasks');
  // The registry's copy of the manifest: what the host that runs this agent loaded.
  const declared = await asPlatform(ctx.store, (db: PgQueryable) =>
    db.query<{ declared: boolean }>(declaredSql, [ctx.agentId, data.taskType]),
  );
  if (declared.rows[0]?.declared !== true) throw refuse('its agent.yml does not declare under `tasks:`');
  const { organisation, parent } = await asPlatform(ctx.store, async (db: PgQueryable) => ({
    organisation: await readOrganisationContext(db, ctx.memory, data),
    parent:
      data.parentTaskId === undefined
        ? undefined
        : {
            taskId: data.parentTaskId,
            deliverables: await readParentDeliverables(db, {
              organisationId: data.organisationId,
              parentTaskId: data.parentTaskId,
            }),
          },
  }));
  return handler({
    id: data.taskId,
    organisationId: data.organisationId,
    agentId: ctx.agentId,
    type: data.taskType,
    input: data.input,
    organisation,
    ...(parent === undefined ? {} : { parent }),
    ...(ctx.llm === undefined ? {} : { llm: ctx.llm }),
    log: ctx.log.child({ task: data.taskId, taskType: data.taskType }),
  });
}

/** An unexpected error's first line, bounded: the customer sees it, so no stack and no SQL. */
function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return bounded(message.split('\n')[0]?.trim() || 'an unexpected error', 300);
}
