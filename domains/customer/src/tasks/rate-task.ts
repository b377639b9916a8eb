import { z } from 'zod';
import { createEvent, enqueueOutbox, readSql, type Store } from '#platform';
import { createError } from '../errors.ts';
import { inputErrors } from './check-task-input.ts';
import { getTask } from './read-tasks.ts';
import { taskApiSource } from './request-task.ts';
import type { TaskView } from './task-view.ts';

const upsertSql = readSql(import.meta.url, 'upsert-rating');
const ratingBody = z.strictObject({ stars: z.int().min(1).max(5) });

/**
 * `POST /api/tasks/:id/rating`: a member's 1–5 rating of the organisation's done task (the
 * last one counts), and customer.task.rated through the outbox in the same transaction,
 * for the agent's figures in the marketplace.
 */
export async function rateTask(
  store: Store,
  request: { organisation: { id: string; slug: string }; taskId: string; body: unknown; now: Date },
): Promise<TaskView> {
  const parsed = ratingBody.safeParse(request.body);
  if (!parsed.success) throw inputErrors([{ field: 'stars', message: 'expected a whole number from 1 to 5' }]);
  const { stars } = parsed.data;
  return store.transaction(async (tx) => {
    const task = await getTask(tx, request.organisation.id, request.taskId);
    if (task.state !== 'done') throw createError('WOW_ERR_TASK_NOT_DONE', { task: task.id, state: task.state });
    await tx.query(upsertSql, [task.id, stars, request.now]);
    await enqueueOutbox(
      tx,
      createEvent({
        source: taskApiSource,
        type: 'customer.task.rated',
        subject: task.id,
        partitionkey: task.id,
        customer: request.organisation.slug,
        data: { taskId: task.id, organisationId: request.organisation.id, agentId: task.agentId, stars },
      }),
    );
    return { ...task, rating: stars };
  });
}
