import { randomUUID } from 'node:crypto';
import type { Store } from '#platform';
import { wholeSecond } from './billing-calendar.ts';
import { getInvoice, type Invoice } from './billing-records.ts';
import { createError } from './errors.ts';
import type { Pricing } from './pricing.ts';
import { settleInvoice } from './settle-invoice.ts';

/**
 * An operator saw the bank transfer arrive: the invoice is paid (recorded as a manual
 * payment, by whom and with the bank's reference), and its subscription resumes if it
 * waited on it. An invoice paid or void already is refused (WOW_ERR_INVOICE_SETTLED).
 */
export async function markInvoicePaid(
  store: Store,
  pricing: Pricing,
  input: { number: string; by: string; reference?: string; now: Date },
): Promise<Invoice> {
  const now = wholeSecond(input.now);
  return store.transaction(async (tx) => {
    const invoice = await getInvoice(tx, input.number, { lock: true });
    if (invoice.status !== 'open' && invoice.status !== 'payment_failed')
      throw createError('WOW_ERR_INVOICE_SETTLED', { number: invoice.number, status: invoice.status });
    await tx.query(
      `insert into commerce_payments (id, invoice_id, provider, idempotency_key, status, amount_paise, provider_ref, recorded_by, attempted_at)
       values ($1, $2, 'manual', $3, 'paid', $4, $5, $6, $7)`,
      [
        randomUUID(),
        invoice.id,
        `${invoice.id}:mark-paid`,
        invoice.totalPaise,
        input.reference?.slice(0, 200) ?? null,
        input.by.slice(0, 200),
        now,
      ],
    );
    return settleInvoice(tx, pricing, invoice, now);
  });
}
