import { z } from 'zod';
import {
  openWebhookSecret,
  postCustomerWebhook,
  storedWebhookSecret,
  type WebhookSecretColumns,
} from '#domains/support';
import { readSql } from '#platform';
import type { NotificationContext } from '../notification-settings.ts';

const sql = { customers: readSql(import.meta.url, 'select-notice-customers') };

/** support.incident.resolved as the support model describes it; only a resolution naming a fix and customers is told. */
export const incidentResolved = z.object({
  incidentId: z.uuid(),
  agentId: z.string().max(200),
  fix: z.object({ summary: z.string().max(500), playbook: z.string().max(100) }).optional(),
  customers: z.array(z.string().max(100)).max(10_000).optional(),
});

export type IncidentResolved = z.infer<typeof incidentResolved>;

type CustomerRow = WebhookSecretColumns & {
  id: string;
  slug: string;
  name: string;
  webhook_url: string | null;
  notice_email: string | null;
};

/** What a customer reads: one line on what was noticed and fixed, with the incident to quote. */
export function fixNoticeText(customerName: string, event: IncidentResolved & { fix: { summary: string } }): string {
  // Text only (mail body, JSON field): nothing here is markup, so nothing needs escaping but line breaks.
  const summary = event.fix.summary.replace(/\s+/g, ' ').trim();
  return [
    `Hello ${customerName.replace(/\s+/g, ' ').trim()},`,
    '',
    `We noticed a problem with a service your work goes through and fixed it: ${summary}`,
    'Nothing is needed on your side. If you saw something odd in the meantime, reply to this message.',
    '',
    `Incident ${event.incidentId}`,
  ].join('\n');
}

/**
 * On a resolved incident whose fix and affected customers are named, tells each customer
 * "we noticed and fixed X" by its signed webhook and by mail to its notice address. Each
 * (incident, customer, channel) goes out once: `ctx.once` records it with the send, so a
 * redelivered event sends nothing again, and a channel that failed is retried alone.
 */
export async function tellCustomersFixed(ctx: NotificationContext, event: IncidentResolved): Promise<void> {
  const { fix, customers } = event;
  if (fix === undefined || customers === undefined || customers.length === 0) return;
  const slugs = [...new Set(customers)];
  const rows = (await ctx.store.query<CustomerRow>(sql.customers, [slugs])).rows;
  const found = new Set(rows.map((r) => r.slug));
  const unknown = slugs.filter((s) => !found.has(s));
  if (unknown.length > 0)
    ctx.log.warn(
      { incident: event.incidentId, unknown: unknown.slice(0, 20) },
      'fix notice for unknown customers skipped',
    );
  const failures: unknown[] = [];
  for (const row of rows) {
    const body = fixNoticeText(row.name, { ...event, fix });
    const secret = storedWebhookSecret(row);
    const sends: [string, () => Promise<void>][] = [];
    if (row.webhook_url !== null && secret !== null) {
      const url = row.webhook_url;
      sends.push([
        'webhook',
        async () => {
          await postCustomerWebhook({
            url,
            secret: openWebhookSecret(secret, row.id, ctx.settings.support.secretsKey),
            deliveryId: `${event.incidentId}:fixed`,
            event: {
              type: 'support.incident.fixed',
              data: { incidentId: event.incidentId, summary: fix.summary, message: body },
            },
          });
        },
      ]);
    }
    const email = ctx.state.channels.noticeEmail;
    if (row.notice_email !== null && email !== undefined) {
      const to = row.notice_email;
      sends.push([
        'email',
        () =>
          email({
            id: `incident-${event.incidentId}-${row.id}`,
            to,
            subject: 'We noticed a problem and fixed it',
            body,
          }),
      ]);
    }
    for (const [channel, send] of sends) {
      try {
        await ctx.once(`incident-fixed:${event.incidentId}:${row.id}:${channel}`, send);
      } catch (err) {
        // The others still go out; the redelivery that follows retries only what is not recorded.
        failures.push(err);
      }
    }
  }
  if (failures.length > 0) throw failures[0];
}
