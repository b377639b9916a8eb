import { randomUUID } from 'node:crypto';
import type { Store } from '#platform';
import { wholeSecond } from './billing-calendar.ts';
import { invoiceById, type Invoice } from './billing-records.ts';
import { recordFailure } from './collect-payment.ts';
import type { Pricing } from './pricing.ts';
import { settleInvoice } from './settle-invoice.ts';

/** What a provider said later of a charge it first answered as pending (a Stripe webhook). */
export type ProviderSettlement = { invoiceId: string; providerRef: string } & (
  { status: 'paid' } | { status: 'failed'; reason: string; retryable: boolean }
);

/**
 * A provider settled a charge after the fact: the attempt's payment row takes the outcome,
 * and the invoice is settled or waits for its next try exactly as when the charge answered
 * at once. Idempotent: a provider delivers at least once, and the charge may have answered
 * paid already — an invoice no longer open (or failed) is left as it is. An unknown
 * invoice id is ignored (the provider's metadata names invoices of this deployment only).
 */
export async function settleProviderPayment(
  store: Store,
  pricing: Pricing,
  provider: string,
  settlement: ProviderSettlement,
  at: Date,
): Promise<Invoice | undefined> {
  const now = wholeSecond(at);
  return store.transaction(async (tx) => {
    const invoice = await invoiceById(tx, settlement.invoiceId, true);
    if (invoice === undefined) return undefined;
    const reason = settlement.status === 'failed' ? settlement.reason.slice(0, 500) : null;
    const updated = await tx.query(
      `update commerce_payments set status = $3, reason = $4
        where invoice_id = $1 and provider_ref = $2 and status in ('pending', $3)`,
      [invoice.id, settlement.providerRef, settlement.status, reason],
    );
    // Told before (same charge, same outcome): the row stands; a charge never recorded gets one.
    if (updated.rowCount === 0)
      await tx.query(
        `insert into commerce_payments (id, invoice_id, provider, idempotency_key, status, amount_paise, provider_ref, reason, attempted_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (idempotency_key) do nothing`,
        [
          randomUUID(),
          invoice.id,
          provider,
          `${invoice.id}:${settlement.providerRef}:${settlement.status}`,
          settlement.status,
          invoice.totalPaise,
          settlement.providerRef,
          reason,
          now,
        ],
      );
    if (invoice.status !== 'open' && invoice.status !== 'payment_failed') return invoice;
    if (settlement.status === 'paid') return settleInvoice(tx, pricing, invoice, now);
    await recordFailure(tx, pricing, invoice, settlement, now);
    return invoiceById(tx, invoice.id);
  });
}
