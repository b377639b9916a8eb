import { randomUUID } from 'node:crypto';
import type { PgQueryable } from '#platform';
import { yearIn } from './billing-calendar.ts';
import { invoiceChanged } from './billing-events.ts';
import { invoiceById, type Invoice } from './billing-records.ts';
import { taxOn } from './money.ts';
import type { Pricing } from './pricing.ts';

export interface NewLine {
  description: string;
  amountPaise: number;
  period?: { start: Date; end: Date };
}

/**
 * The organisation's time zone for its invoices: the one it chose, else the supplier's
 * (pricing.yml's invoices.timeZone), remembered from the first invoice on.
 */
export async function billingTimeZone(tx: PgQueryable, organisationId: string, pricing: Pricing): Promise<string> {
  await tx.query(
    'insert into commerce_billing_accounts (organisation_id, time_zone) values ($1, $2) on conflict (organisation_id) do nothing',
    [organisationId, pricing.invoices.timeZone],
  );
  const { rows } = await tx.query<{ time_zone: string }>(
    'select time_zone from commerce_billing_accounts where organisation_id = $1',
    [organisationId],
  );
  return rows[0]?.time_zone ?? pricing.invoices.timeZone;
}

/**
 * The next number of the year, e.g. WAO-2026-000042. The counter row stays locked until the
 * caller's transaction ends, so numbers are handed out in order, and a transaction that
 * rolls back gives its number back: no gaps.
 */
async function nextNumber(tx: PgQueryable, pricing: Pricing, issuedAt: Date): Promise<string> {
  const year = yearIn(issuedAt, pricing.invoices.timeZone);
  const { rows } = await tx.query<{ last_number: number }>(
    `insert into commerce_invoice_counters (year, last_number) values ($1, 1)
     on conflict (year) do update set last_number = commerce_invoice_counters.last_number + 1
     returning last_number`,
    [year],
  );
  return `${pricing.invoices.prefix}-${year}-${String(rows[0]?.last_number).padStart(6, '0')}`;
}

/**
 * Issues an invoice of `lines` (whose sum is the subtotal, never below zero) with the tax
 * the pricing sets, in the caller's transaction, and tells of it (commerce.invoice.changed).
 * An invoice of nothing is settled at once: there is nothing to collect.
 */
export async function issueInvoice(
  tx: PgQueryable,
  pricing: Pricing,
  input: { organisationId: string; subscriptionId: string | null; lines: NewLine[]; now: Date },
): Promise<Invoice> {
  const subtotal = input.lines.reduce((sum, l) => sum + l.amountPaise, 0);
  if (subtotal < 0) throw new RangeError('an invoice never totals below zero; carry a credit instead');
  const tax = taxOn(subtotal, pricing.tax.basisPoints);
  const id = randomUUID();
  const timeZone = await billingTimeZone(tx, input.organisationId, pricing);
  await tx.query(
    `insert into commerce_invoices (id, number, organisation_id, subscription_id, status, currency, subtotal_paise, tax_name,
       tax_basis_points, tax_paise, total_paise, time_zone, issued_at, paid_at)
     values ($1, $2, $3, $4, $5, 'inr', $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      id,
      await nextNumber(tx, pricing, input.now),
      input.organisationId,
      input.subscriptionId,
      subtotal + tax === 0 ? 'paid' : 'open',
      subtotal,
      pricing.tax.name,
      pricing.tax.basisPoints,
      tax,
      subtotal + tax,
      timeZone,
      input.now,
      subtotal + tax === 0 ? input.now : null,
    ],
  );
  for (const [position, line] of input.lines.entries())
    await tx.query(
      `insert into commerce_invoice_lines (invoice_id, position, description, amount_paise, period_start, period_end)
       values ($1, $2, $3, $4, $5, $6)`,
      [id, position, line.description, line.amountPaise, line.period?.start ?? null, line.period?.end ?? null],
    );
  const invoice = (await invoiceById(tx, id)) as Invoice;
  await invoiceChanged(tx, invoice);
  return invoice;
}

/** The zone an organisation's dates are shown in, without recording anything (pages read it). */
export async function timeZoneOf(db: PgQueryable, organisationId: string, pricing: Pricing): Promise<string> {
  const { rows } = await db.query<{ time_zone: string }>(
    'select time_zone from commerce_billing_accounts where organisation_id = $1',
    [organisationId],
  );
  return rows[0]?.time_zone ?? pricing.invoices.timeZone;
}
