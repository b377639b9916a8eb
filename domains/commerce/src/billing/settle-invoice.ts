import type { PgQueryable } from '#platform';
import { periodOf } from './billing-calendar.ts';
import { invoiceChanged, subscriptionChanged } from './billing-events.ts';
import {
  invoiceById,
  subscriptionColumns,
  toSubscription,
  type Invoice,
  type SubscriptionRow,
} from './billing-records.ts';
import { issueInvoice } from './issue-invoice.ts';
import { periodLines } from './period-lines.ts';
import type { Pricing } from './pricing.ts';

/**
 * Marks the (locked) invoice paid, and gives its subscription back its work when nothing
 * else of it is unpaid: past_due or suspended → active (`resumed`). A subscription that was
 * suspended past its period's end starts a new period from now, with its invoice: the months
 * it stood still are not billed.
 */
export async function settleInvoice(tx: PgQueryable, pricing: Pricing, invoice: Invoice, now: Date): Promise<Invoice> {
  await tx.query(
    `update commerce_invoices set status = 'paid', paid_at = $2, next_attempt_at = null, failure_reason = null where id = $1`,
    [invoice.id, now],
  );
  const paid = (await invoiceById(tx, invoice.id)) as Invoice;
  await invoiceChanged(tx, paid);
  if (invoice.subscriptionId === null) return paid;
  const row = (
    await tx.query<SubscriptionRow & { anchor_at: Date }>(
      `select ${subscriptionColumns}, anchor_at from commerce_subscriptions where id = $1 for update`,
      [invoice.subscriptionId],
    )
  ).rows[0];
  if (row === undefined || (row.status !== 'past_due' && row.status !== 'suspended')) return paid;
  const unpaid = await tx.query(
    "select 1 from commerce_invoices where subscription_id = $1 and status = 'payment_failed' and id <> $2",
    [row.id, invoice.id],
  );
  if (unpaid.rows.length > 0) return paid;
  if (row.status === 'suspended' && new Date(row.current_period_end) <= now) {
    const period = periodOf(now, 0);
    const sub = toSubscription(row);
    const { lines, creditUsed } = await periodLines(tx, pricing, sub, period);
    await tx.query(
      `update commerce_subscriptions set status = 'active', anchor_at = $2, period_index = 0, current_period_start = $2,
         current_period_end = $3, credit_paise = credit_paise - $4, updated_at = $2 where id = $1`,
      [row.id, period.start, period.end, creditUsed],
    );
    await issueInvoice(tx, pricing, { organisationId: sub.organisationId, subscriptionId: sub.id, lines, now });
  } else
    await tx.query("update commerce_subscriptions set status = 'active', updated_at = $2 where id = $1", [row.id, now]);
  const resumed = (
    await tx.query<SubscriptionRow>(`select ${subscriptionColumns} from commerce_subscriptions where id = $1`, [row.id])
  ).rows[0] as SubscriptionRow;
  await subscriptionChanged(tx, toSubscription(resumed), 'resumed');
  return paid;
}
