import { randomUUID } from 'node:crypto';
import type { PgQueryable, Store } from '#platform';
import { wholeSecond } from './billing-calendar.ts';
import { invoiceChanged, subscriptionChanged } from './billing-events.ts';
import {
  invoiceById,
  subscriptionColumns,
  toSubscription,
  type Invoice,
  type SubscriptionRow,
} from './billing-records.ts';
import type { ChargeResult, PaymentProvider } from './payment-provider.ts';
import type { Pricing } from './pricing.ts';
import { settleInvoice } from './settle-invoice.ts';

/** What billing needs beyond the store: the prices and the provider that collects. */
export interface BillingTerms {
  pricing: Pricing;
  provider: PaymentProvider;
}

const dayMs = 86_400_000;

/** Who the provider is told the organisation is: its name, and its first owner's address. */
async function payer(db: PgQueryable, organisationId: string): Promise<{ id: string; name: string; email: string }> {
  const { rows } = await db.query<{ name: string; email: string | null }>(
    `select c.name, (select u.email from commerce_memberships m join commerce_users u on u.id = m.user_id
                      where m.organisation_id = c.id and m.role = 'owner' order by m.created_at limit 1) as email
       from support_customers c where c.id = $1`,
    [organisationId],
  );
  return { id: organisationId, name: rows[0]?.name ?? organisationId, email: rows[0]?.email ?? '' };
}

/** The organisation's id at the provider, asked once and kept (ensureCustomer is idempotent, so a race costs nothing). */
async function providerCustomer(store: Store, provider: PaymentProvider, organisationId: string): Promise<void> {
  const { rows } = await store.query<{ provider: string | null }>(
    'select provider from commerce_billing_accounts where organisation_id = $1',
    [organisationId],
  );
  if (rows[0]?.provider === provider.name) return;
  const customerId = await provider.ensureCustomer(await payer(store, organisationId));
  await store.query(
    'update commerce_billing_accounts set provider = $2, provider_customer_id = $3 where organisation_id = $1',
    [organisationId, provider.name, customerId],
  );
}

/**
 * A payment failed: the invoice waits for its next try (pricing.yml's retryDays, counted
 * from the first failure) and the subscription is past due; after the last try, or a
 * failure the provider says retrying cannot mend, the subscription is suspended.
 */
export async function recordFailure(
  tx: PgQueryable,
  pricing: Pricing,
  invoice: Invoice,
  failure: { reason: string; retryable: boolean },
  now: Date,
): Promise<void> {
  const { rows } = await tx.query<{ failures: number; first: Date }>(
    "select count(*)::int as failures, min(attempted_at) as first from commerce_payments where invoice_id = $1 and status = 'failed'",
    [invoice.id],
  );
  const failures = rows[0]?.failures ?? 1;
  const first = new Date(rows[0]?.first ?? now);
  const retryDay = failure.retryable ? pricing.payments.retryDays[failures - 1] : undefined;
  const next = retryDay === undefined ? null : new Date(first.getTime() + retryDay * dayMs);
  await tx.query(
    `update commerce_invoices set status = 'payment_failed', first_failed_at = coalesce(first_failed_at, $2),
       next_attempt_at = $3, failure_reason = $4 where id = $1`,
    [invoice.id, first, next, failure.reason.slice(0, 500)],
  );
  await invoiceChanged(tx, (await invoiceById(tx, invoice.id)) as Invoice);
  if (invoice.subscriptionId === null) return;
  const status = next === null ? 'suspended' : 'past_due';
  const row = (
    await tx.query<SubscriptionRow>(
      `update commerce_subscriptions set status = $2, updated_at = $3
        where id = $1 and status in ('active', 'past_due') returning ${subscriptionColumns}`,
      [invoice.subscriptionId, status, now],
    )
  ).rows[0];
  // past_due has no change of its own in the event's vocabulary: the invoice's payment_failed tells it.
  if (row !== undefined && status === 'suspended') await subscriptionChanged(tx, toSubscription(row), 'suspended');
}

/**
 * Tries to collect an open or failed invoice through the provider. The attempt is claimed
 * first (its own transaction, so two billing cycles never charge one invoice at once), the
 * provider is called outside any transaction, and its answer is recorded in a second one.
 * The idempotency key names the invoice and the attempt: a retried call is the same charge.
 */
export async function collectInvoice(store: Store, terms: BillingTerms, invoiceId: string, at: Date): Promise<Invoice> {
  const now = wholeSecond(at);
  const claimed = await store.transaction(async (tx) => {
    const invoice = await invoiceById(tx, invoiceId, true);
    if (invoice === undefined || (invoice.status !== 'open' && invoice.status !== 'payment_failed')) return invoice;
    await tx.query('update commerce_invoices set attempts = attempts + 1, next_attempt_at = null where id = $1', [
      invoiceId,
    ]);
    return { ...invoice, attempts: invoice.attempts + 1 };
  });
  if (claimed === undefined) throw new Error(`invoice ${invoiceId} does not exist`);
  if (claimed.status !== 'open' && claimed.status !== 'payment_failed') return claimed;

  const idempotencyKey = `${claimed.id}:${claimed.attempts}`;
  let result: ChargeResult;
  try {
    await providerCustomer(store, terms.provider, claimed.organisationId);
    result = await terms.provider.charge({
      invoiceId: claimed.id,
      organisationId: claimed.organisationId,
      amountPaise: claimed.totalPaise,
      currency: 'inr',
      description: `Invoice ${claimed.number}`,
      idempotencyKey,
    });
  } catch (err) {
    // The provider could not be asked (network, outage): a failure worth retrying.
    result = {
      status: 'failed',
      reason: `${terms.provider.name} could not be reached: ${(err as Error).message}`,
      retryable: true,
    };
  }

  return store.transaction(async (tx) => {
    const invoice = (await invoiceById(tx, claimed.id, true)) as Invoice;
    await tx.query(
      `insert into commerce_payments (id, invoice_id, provider, idempotency_key, status, amount_paise, provider_ref, reason, attempted_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (idempotency_key) do nothing`,
      [
        randomUUID(),
        invoice.id,
        terms.provider.name,
        idempotencyKey,
        result.status,
        invoice.totalPaise,
        result.providerRef ?? null,
        result.status === 'failed' ? result.reason.slice(0, 500) : null,
        now,
      ],
    );
    // Settled meanwhile (an operator marked it paid): the answer is recorded, the invoice stays as it is.
    if (invoice.status !== 'open' && invoice.status !== 'payment_failed') return invoice;
    if (result.status === 'paid') return settleInvoice(tx, terms.pricing, invoice, now);
    if (result.status === 'failed') await recordFailure(tx, terms.pricing, invoice, result, now);
    return (await invoiceById(tx, invoice.id)) as Invoice;
  });
}
