import { z } from 'zod';
import { readSql, type CloudEvent, type Store } from '#platform';

const sql = {
  start: readSql(import.meta.url, 'start-task'),
  finish: readSql(import.meta.url, 'finish-task'),
  deliverables: readSql(import.meta.url, 'insert-deliverables'),
};

/** The events the recorder moves tasks on from (the agents' side of domains/customer/model.yml). */
export const recordedTaskEvents = [
  'customer.task.started',
  'customer.task.completed',
  'customer.task.failed',
  'customer.task.needs_input',
] as const;

const about = { taskId: z.uuid(), organisationId: z.uuid(), agentId: z.string().max(64) };
const completed = z.object({
  ...about,
  deliverables: z
    .array(
      z.object({
        name: z.string(),
        mediaType: z.string().max(100),
        encoding: z.enum(['utf8', 'base64']),
        content: z.string(),
      }),
    )
    .min(1)
    .max(10),
  summary: z.string().max(200),
  model: z.string().max(100).nullable().optional(),
});
const failed = z.object({ ...about, code: z.string().max(64), reason: z.string().max(1000) });
const needsInput = z.object({ ...about, question: z.string().max(1000) });

/** What recording an event did: moved the task on, or nothing (a repeat, a late event, another agent's claim). */
export type Recorded = { taskId: string; moved: boolean };

/**
 * Moves a task on from an agent's event, forward only: started moves a queued task to
 * working; completed, failed and needs_input end a queued or working task, once — a late
 * started after the end, or a second end, changes nothing, so redeliveries and any order are
 * safe. Only the agent the task was sent to moves it (the event's verified source). A done
 * task's deliverables are written in the same transaction as its state.
 */
export async function recordTaskEvent(store: Store, event: CloudEvent): Promise<Recorded | undefined> {
  const sender = z.object(about).safeParse(event.data);
  if (!sender.success || event.source !== `urn:wow:agent:${sender.data.agentId}`) return undefined;
  const { taskId, organisationId, agentId } = sender.data;
  const at = new Date(event.time ?? Date.now());
  const row = [taskId, organisationId, agentId];
  const finish = (
    state: string,
    fields: { code?: string; reason?: string; question?: string; summary?: string; model?: string | null },
  ) => [
    ...row,
    state,
    at,
    fields.code ?? null,
    fields.reason ?? null,
    fields.question ?? null,
    fields.summary ?? null,
    fields.model ?? null,
  ];
  switch (event.type) {
    case 'customer.task.started':
      return { taskId, moved: ((await store.query(sql.start, [...row, at])).rowCount ?? 0) > 0 };
    case 'customer.task.completed': {
      const data = completed.parse(event.data);
      return store.transaction(async (tx) => {
        const moved = ((await tx.query(sql.finish, finish('done', data))).rowCount ?? 0) > 0;
        if (moved)
          await tx.query(sql.deliverables, [
            taskId,
            data.deliverables.map((d) => d.name),
            data.deliverables.map((d) => d.mediaType),
            data.deliverables.map((d) => Buffer.from(d.content, d.encoding === 'base64' ? 'base64' : 'utf8')),
          ]);
        return { taskId, moved };
      });
    }
    case 'customer.task.failed': {
      const data = failed.parse(event.data);
      const moved = await store.query(sql.finish, finish('failed', { code: data.code, reason: data.reason }));
      return { taskId, moved: (moved.rowCount ?? 0) > 0 };
    }
    case 'customer.task.needs_input': {
      const data = needsInput.parse(event.data);
      const moved = await store.query(sql.finish, finish('needs-input', { question: data.question }));
      return { taskId, moved: (moved.rowCount ?? 0) > 0 };
    }
    default:
      return undefined;
  }
}
