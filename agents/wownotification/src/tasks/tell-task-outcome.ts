import { z } from 'zod';
import {
  openWebhookSecret,
  postCustomerWebhook,
  storedWebhookSecret,
  type WebhookSecretColumns,
} from '#domains/support';
import { readSql } from '#platform';
import type { NotificationContext } from '../notification-settings.ts';

const sql = {
  task: readSql(import.meta.url, 'select-task-notice'),
  recipients: readSql(import.meta.url, 'select-task-recipients'),
};

const about = { taskId: z.uuid(), organisationId: z.uuid(), agentId: z.string().max(64) };

/**
 * The agents' final task events as domains/customer/model.yml gives them, without the
 * completed event's deliverables: a notice links to them, it never carries them.
 */
export const taskCompleted = z.object({ ...about, taskType: z.string().max(64), summary: z.string().max(200) });
export const taskFailed = z.object({ ...about, code: z.string().max(64), reason: z.string().max(1000) });
export const taskNeedsInput = z.object({ ...about, question: z.string().max(1000) });

/** One outcome, as a notice tells it. */
export type TaskOutcomeNotice = { taskId: string; organisationId: string; agentId: string } & (
  | { state: 'done'; summary: string }
  | { state: 'failed'; reason: string; code: string }
  | { state: 'needs-input'; question: string }
);

type TaskRow = WebhookSecretColumns & {
  id: string;
  agent_id: string;
  task_type: string;
  organisation_name: string;
  organisation_slug: string;
  webhook_url: string | null;
};

const eventTypes = {
  done: 'customer.task.completed',
  failed: 'customer.task.failed',
  'needs-input': 'customer.task.needs_input',
} as const;

// Text for a mail body: an agent's words on one line each, bounded, with no line of their own to forge headers or links.
const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
};

/** The mail's subject and plain-text body (text only: nothing is markup, so only line breaks need taming). */
export function taskNoticeMail(
  notice: TaskOutcomeNotice,
  task: { taskType: string; organisation: string; recipient: string },
  links: { task: string; choices: string },
): { subject: string; body: string } {
  const what = `${oneLine(task.taskType, 64)} task for ${oneLine(notice.agentId, 64)}`;
  const [subject, lines] =
    notice.state === 'done'
      ? [
          `Done: your ${what}`,
          ['It is done. Its deliverables are ready to download.', '', oneLine(notice.summary, 200)],
        ]
      : notice.state === 'failed'
        ? [`Failed: your ${what}`, ['It could not be done. The agent said:', '', oneLine(notice.reason, 1000)]]
        : [`Needs your input: your ${what}`, ['The agent needs you to say more:', '', oneLine(notice.question, 1000)]];
  return {
    subject,
    body: [
      `Hello ${oneLine(task.recipient, 100)},`,
      '',
      `About the ${what} of ${oneLine(task.organisation, 100)}:`,
      ...lines,
      '',
      `The task: ${links.task}`,
      '',
      `You get this because you sent the task or chose to hear of every task; change it at ${links.choices}`,
    ].join('\n'),
  };
}

/**
 * Tells the organisation that a task completed, failed or needs input: by mail to the
 * members who chose to hear of it (the member who sent it, unless they chose otherwise),
 * and by its signed webhook when it set one. Only the task's own agent is believed (the
 * event's verified source), about the organisation's own task. Each (task, state, channel,
 * recipient) goes out once: `ctx.once` records it with the send, so a redelivered event
 * sends nothing again; a send that fails throws, and the bus retries it with backoff up to
 * its bounded attempts, the sends already recorded not again.
 */
export async function tellTaskOutcome(ctx: NotificationContext, notice: TaskOutcomeNotice): Promise<void> {
  if (ctx.event.source !== `urn:wow:agent:${notice.agentId}`) {
    ctx.log.warn({ task: notice.taskId, source: ctx.event.source }, 'a task outcome not from its agent: no notice');
    return;
  }
  const task = (await ctx.store.query<TaskRow>(sql.task, [notice.taskId, notice.organisationId, notice.agentId]))
    .rows[0];
  if (task === undefined) {
    ctx.log.warn({ task: notice.taskId }, 'a task outcome for no task of that organisation and agent: no notice');
    return;
  }
  const link = `${ctx.settings.site.publicUrl}/api/tasks/${notice.taskId}`;
  const sends: [string, () => Promise<unknown>][] = [];
  const secret = storedWebhookSecret(task);
  if (task.webhook_url !== null && secret !== null) {
    const url = task.webhook_url;
    sends.push([
      'webhook',
      () =>
        postCustomerWebhook({
          url,
          secret: openWebhookSecret(secret, notice.organisationId, ctx.settings.support.secretsKey),
          // The same across retries and redeliveries: the customer drops a repeat by it.
          deliveryId: `${notice.taskId}:${notice.state}`,
          event: { type: eventTypes[notice.state], data: { ...notice, taskType: task.task_type, link } },
        }),
    ]);
  }
  const email = ctx.state.channels.noticeEmail;
  if (email !== undefined) {
    const { rows } = await ctx.store.query<{ user_id: string; email: string; name: string }>(sql.recipients, [
      notice.organisationId,
      notice.taskId,
    ]);
    for (const r of rows) {
      const mail = taskNoticeMail(
        notice,
        { taskType: task.task_type, organisation: task.organisation_name, recipient: r.name },
        { task: link, choices: `${ctx.settings.site.publicUrl}/orgs/${encodeURIComponent(task.organisation_slug)}` },
      );
      const id = `task-${notice.taskId}-${notice.state}-${r.user_id}`;
      sends.push([`email:${r.user_id}`, () => email({ id, to: r.email, ...mail })]);
    }
  }
  const failures: unknown[] = [];
  for (const [channel, send] of sends) {
    try {
      await ctx.once(`task-notice:${notice.taskId}:${notice.state}:${channel}`, send);
    } catch (err) {
      // The others still go out; the redelivery that follows retries only what is not recorded.
      failures.push(err);
    }
  }
  if (failures.length === 0) return;
  if (ctx.delivery.isLastAttempt)
    ctx.log.warn({ task: notice.taskId, err: failures[0] }, 'a task notice could not be sent, its attempts spent');
  throw failures[0];
}

export const onTaskCompleted = (ctx: NotificationContext, data: z.infer<typeof taskCompleted>) =>
  tellTaskOutcome(ctx, { ...pick(data), state: 'done', summary: data.summary });
export const onTaskFailed = (ctx: NotificationContext, data: z.infer<typeof taskFailed>) =>
  tellTaskOutcome(ctx, { ...pick(data), state: 'failed', reason: data.reason, code: data.code });
export const onTaskNeedsInput = (ctx: NotificationContext, data: z.infer<typeof taskNeedsInput>) =>
  tellTaskOutcome(ctx, { ...pick(data), state: 'needs-input', question: data.question });

const pick = (d: { taskId: string; organisationId: string; agentId: string }) => ({
  taskId: d.taskId,
  organisationId: d.organisationId,
  agentId: d.agentId,
});
