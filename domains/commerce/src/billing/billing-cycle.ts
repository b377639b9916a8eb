import type { Store } from '#platform';
import { periodOf, wholeSecond } from './billing-calendar.ts';
import { subscriptionChanged } from './billing-events.ts';
import { subscriptionColumns, toSubscription, type SubscriptionRow } from './billing-records.ts';
import { collectInvoice, type BillingTerms } from './collect-payment.ts';
import { issueInvoice } from './issue-invoice.ts';
import { periodLines } from './period-lines.ts';

export interface CycleReport {
  renewed: number;
  cancelled: number;
  /** Invoices offered to the provider: new ones, and failed ones whose retry day came. */
  collected: number;
}

const batch = 100;

/**
 * One subscription whose period ended: cancelled if so scheduled, else renewed for as many
 * periods as have ended (a server that was down a while bills each missed month, one
 * invoice each). Returns the invoices issued.
 */
async function renewOne(
  store: Store,
  terms: BillingTerms,
  id: string,
  now: Date,
): Promise<'renewed' | 'cancelled' | undefined> {
  return store.transaction(async (tx) => {
    const row = (
      await tx.query<SubscriptionRow & { anchor_at: Date; period_index: number }>(
        `select ${subscriptionColumns}, anchor_at, period_index from commerce_subscriptions
          where id = $1 and status in ('active', 'past_due') and current_period_end <= $2 for update skip locked`,
        [id, now],
      )
    ).rows[0];
    if (row === undefined) return undefined;
    if (row.cancel_at_period_end) {
      await tx.query("update commerce_subscriptions set status = 'cancelled', updated_at = $2 where id = $1", [
        id,
        now,
      ]);
      await subscriptionChanged(tx, { ...toSubscription(row), status: 'cancelled' }, 'cancelled');
      return 'cancelled';
    }
    const anchor = new Date(row.anchor_at);
    let index = row.period_index;
    let credit = Number(row.credit_paise);
    let period = periodOf(anchor, index);
    while (period.end <= now) {
      index += 1;
      period = periodOf(anchor, index);
      const sub = { ...toSubscription(row), creditPaise: credit };
      const { lines, creditUsed } = await periodLines(tx, terms.pricing, sub, period);
      credit -= creditUsed;
      await issueInvoice(tx, terms.pricing, { organisationId: sub.organisationId, subscriptionId: id, lines, now });
    }
    const { rows } = await tx.query<SubscriptionRow>(
      `update commerce_subscriptions set period_index = $2, current_period_start = $3, current_period_end = $4,
         credit_paise = $5, updated_at = $6 where id = $1 returning ${subscriptionColumns}`,
      [id, index, period.start, period.end, credit, now],
    );
    await subscriptionChanged(tx, toSubscription(rows[0] as SubscriptionRow), 'renewed');
    return 'renewed';
  });
}

/**
 * The billing clock's tick (the server runs it every few minutes; `wow billing cycle` runs
 * it once, for every organisation or one): ends or renews every subscription whose period is over, then offers the
 * provider every invoice never tried and every failed one whose retry day has come.
 */
export async function runBillingCycle(
  store: Store,
  terms: BillingTerms,
  at: Date,
  only: { organisationId?: string } = {},
): Promise<CycleReport> {
  const organisationId = only.organisationId ?? null;
  const now = wholeSecond(at);
  const report: CycleReport = { renewed: 0, cancelled: 0, collected: 0 };
  for (;;) {
    const { rows } = await store.query<{ id: string }>(
      `select id from commerce_subscriptions where status in ('active', 'past_due') and current_period_end <= $1
          and ($3::uuid is null or organisation_id = $3)
        order by current_period_end limit $2`,
      [now, batch, organisationId],
    );
    let moved = 0;
    for (const { id } of rows) {
      const outcome = await renewOne(store, terms, id, now);
      if (outcome !== undefined) {
        report[outcome] += 1;
        moved += 1;
      }
    }
    if (rows.length < batch || moved === 0) break;
  }
  const { rows: due } = await store.query<{ id: string }>(
    `select id from commerce_invoices
      where ((status = 'open' and attempts = 0) or (status = 'payment_failed' and next_attempt_at <= $1))
        and ($2::uuid is null or organisation_id = $2)
      order by issued_at, number limit 1000`,
    [now, organisationId],
  );
  for (const { id } of due) {
    await collectInvoice(store, terms, id, now);
    report.collected += 1;
  }
  return report;
}
