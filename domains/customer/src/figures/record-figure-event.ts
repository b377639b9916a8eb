import { z } from 'zod';
import { createError, readSql, type CloudEvent, type PgQueryable, type Store } from '#platform';

const sql = {
  started: readSql(import.meta.url, 'record-started'),
  completed: readSql(import.meta.url, 'record-completed'),
  failed: readSql(import.meta.url, 'record-failed'),
  rated: readSql(import.meta.url, 'record-rated'),
  subscription: readSql(import.meta.url, 'record-subscription'),
  refresh: readSql(import.meta.url, 'refresh-agent'),
};

/** The events the figures are computed from (domains/customer/model.yml, domains/commerce/model.yml). */
export const figureEventTypes = [
  'customer.task.started',
  'customer.task.completed',
  'customer.task.failed',
  'customer.task.rated',
  'commerce.subscription.changed',
] as const;

// Only the fields the figures read; the models say the rest, and the bus checks it on publish.
const uuid = z.uuid();
const agentId = z.string().min(1).max(64);
const task = z.looseObject({ taskId: uuid, agentId });
const data = {
  'customer.task.started': task,
  'customer.task.completed': task.extend({ taskType: z.string().max(64), summary: z.string().max(200) }),
  'customer.task.failed': task,
  'customer.task.rated': task.extend({ stars: z.int().min(1).max(5) }),
  'commerce.subscription.changed': z.looseObject({
    subscriptionId: uuid,
    agentId,
    status: z.enum(['active', 'past_due', 'suspended', 'cancelled']),
    change: z.string().max(32),
  }),
} as const;

type FigureEventType = (typeof figureEventTypes)[number];
const isFigureEvent = (type: string): type is FigureEventType => Object.hasOwn(data, type);

/**
 * Adds one event to the figures, idempotently and in any order: each event sets only its
 * own columns of its task's (or subscription's) row, then its agent's figures are
 * computed again from those rows, under a per-agent lock so that two events of one agent
 * never compute from each other's half. Returns the agent whose figures changed, or
 * undefined for an event of another type. Data the model would refuse is an error that
 * no retry can mend (WOW_ERR_EVENT_SCHEMA, not retryable).
 */
export async function recordFigureEvent(store: Store, event: CloudEvent): Promise<string | undefined> {
  if (!isFigureEvent(event.type)) return undefined;
  const parsed = data[event.type].safeParse(event.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw createError('WOW_ERR_EVENT_SCHEMA', {
      type: event.type,
      model: event.type.startsWith('commerce.') ? 'domains/commerce/model.yml' : 'domains/customer/model.yml',
      version: 1,
      field: issue?.path.join('.') || 'data',
      problem: issue?.message ?? 'is not an object',
    });
  }
  const at = new Date(event.time);
  const d = parsed.data as Record<string, unknown> & { agentId: string };
  await store.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext('customer-figures:' || $1))`, [d.agentId]);
    await write(tx, event.type as FigureEventType, d, at);
    await tx.query(sql.refresh, [d.agentId]);
  });
  return d.agentId;
}

async function write(tx: PgQueryable, type: FigureEventType, d: Record<string, unknown>, at: Date): Promise<void> {
  switch (type) {
    case 'customer.task.started':
      await tx.query(sql.started, [d.taskId, d.agentId, at]);
      return;
    case 'customer.task.completed':
      await tx.query(sql.completed, [d.taskId, d.agentId, d.taskType, at, d.summary]);
      return;
    case 'customer.task.failed':
      await tx.query(sql.failed, [d.taskId, d.agentId, at]);
      return;
    case 'customer.task.rated':
      await tx.query(sql.rated, [d.taskId, d.agentId, d.stars, at]);
      return;
    case 'commerce.subscription.changed':
      // Came up for renewal: renewed, or ended (cancelled at period end, or after non-payment) without it.
      await tx.query(sql.subscription, [d.subscriptionId, d.agentId, d.change === 'renewed', d.status === 'cancelled']);
  }
}
