import type { PgQueryable } from '#platform';
import type { PlanId } from './pricing.ts';
import { createError } from './errors.ts';

export type SubscriptionStatus = 'active' | 'past_due' | 'suspended' | 'cancelled';
export type InvoiceStatus = 'open' | 'paid' | 'payment_failed' | 'void';

/** An organisation's monthly hire of one agent; instants are ISO strings in UTC. */
export interface Subscription {
  id: string;
  organisationId: string;
  agentId: string;
  planId: PlanId;
  status: SubscriptionStatus;
  currentPeriodStart: string;
  currentPeriodEnd: string;
  cancelAtPeriodEnd: boolean;
  /** Left by a downgrade, taken off the next invoices before tax. */
  creditPaise: number;
}

export interface InvoiceLine {
  description: string;
  amountPaise: number;
  periodStart: string | null;
  periodEnd: string | null;
}

export interface Invoice {
  id: string;
  number: string;
  organisationId: string;
  subscriptionId: string | null;
  status: InvoiceStatus;
  currency: 'inr';
  subtotalPaise: number;
  taxName: string;
  taxBasisPoints: number;
  taxPaise: number;
  totalPaise: number;
  /** The customer's zone when it was issued: its dates are shown there. */
  timeZone: string;
  issuedAt: string;
  paidAt: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  failureReason: string | null;
  lines: InvoiceLine[];
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());
// bigint columns come back as text from node-postgres; amounts stay far below 2^53.
const num = (value: string | number): number => Number(value);

export const subscriptionColumns =
  'id, organisation_id, agent_id, plan_id, status, current_period_start, current_period_end, cancel_at_period_end, credit_paise';

export type SubscriptionRow = {
  id: string;
  organisation_id: string;
  agent_id: string;
  plan_id: PlanId;
  status: SubscriptionStatus;
  current_period_start: Date;
  current_period_end: Date;
  cancel_at_period_end: boolean;
  credit_paise: string | number;
};

export const toSubscription = (r: SubscriptionRow): Subscription => ({
  id: r.id,
  organisationId: r.organisation_id,
  agentId: r.agent_id,
  planId: r.plan_id,
  status: r.status,
  currentPeriodStart: iso(r.current_period_start) ?? '',
  currentPeriodEnd: iso(r.current_period_end) ?? '',
  cancelAtPeriodEnd: r.cancel_at_period_end,
  creditPaise: num(r.credit_paise),
});

/** The organisation's subscriptions (every one, cancelled ones too), by agent. */
export async function subscriptionsOf(db: PgQueryable, organisationId: string): Promise<Subscription[]> {
  const { rows } = await db.query<SubscriptionRow>(
    `select ${subscriptionColumns} from commerce_subscriptions where organisation_id = $1 order by agent_id`,
    [organisationId],
  );
  return rows.map(toSubscription);
}

/** Every subscription with its organisation's slug, for operators (`wow billing subscriptions`). */
export async function allSubscriptions(
  db: PgQueryable,
  filter: { status?: SubscriptionStatus; limit?: number } = {},
): Promise<(Subscription & { organisation: string })[]> {
  const { rows } = await db.query<SubscriptionRow & { slug: string }>(
    `select ${subscriptionColumns.replace(/(\w+)/g, 's.$1')}, c.slug
       from commerce_subscriptions s join support_customers c on c.id = s.organisation_id
      where $1::text is null or s.status = $1 order by c.slug, s.agent_id limit $2`,
    [filter.status ?? null, Math.min(filter.limit ?? 1000, 10_000)],
  );
  return rows.map((r) => ({ ...toSubscription(r), organisation: r.slug }));
}

type InvoiceRow = {
  id: string;
  number: string;
  organisation_id: string;
  subscription_id: string | null;
  status: InvoiceStatus;
  subtotal_paise: string;
  tax_name: string;
  tax_basis_points: number;
  tax_paise: string;
  total_paise: string;
  time_zone: string;
  issued_at: Date;
  paid_at: Date | null;
  attempts: number;
  next_attempt_at: Date | null;
  failure_reason: string | null;
};

const invoiceColumns = `i.id, i.number, i.organisation_id, i.subscription_id, i.status, i.subtotal_paise, i.tax_name,
  i.tax_basis_points, i.tax_paise, i.total_paise, i.time_zone, i.issued_at, i.paid_at, i.attempts, i.next_attempt_at, i.failure_reason`;

async function withLines(db: PgQueryable, rows: InvoiceRow[]): Promise<Invoice[]> {
  if (rows.length === 0) return [];
  const lines = await db.query<{
    invoice_id: string;
    description: string;
    amount_paise: string;
    period_start: Date | null;
    period_end: Date | null;
  }>(
    `select invoice_id, description, amount_paise, period_start, period_end
       from commerce_invoice_lines where invoice_id = any($1::uuid[]) order by invoice_id, position`,
    [rows.map((r) => r.id)],
  );
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    organisationId: r.organisation_id,
    subscriptionId: r.subscription_id,
    status: r.status,
    currency: 'inr',
    subtotalPaise: num(r.subtotal_paise),
    taxName: r.tax_name,
    taxBasisPoints: r.tax_basis_points,
    taxPaise: num(r.tax_paise),
    totalPaise: num(r.total_paise),
    timeZone: r.time_zone,
    issuedAt: iso(r.issued_at) ?? '',
    paidAt: iso(r.paid_at),
    attempts: r.attempts,
    nextAttemptAt: iso(r.next_attempt_at),
    failureReason: r.failure_reason,
    lines: lines.rows
      .filter((l) => l.invoice_id === r.id)
      .map((l) => ({
        description: l.description,
        amountPaise: num(l.amount_paise),
        periodStart: iso(l.period_start),
        periodEnd: iso(l.period_end),
      })),
  }));
}

/** Invoices, newest first: one organisation's, or every one (operators), optionally of one status. */
export async function listInvoices(
  db: PgQueryable,
  filter: { organisationId?: string; status?: InvoiceStatus; limit?: number } = {},
): Promise<Invoice[]> {
  const { rows } = await db.query<InvoiceRow>(
    `select ${invoiceColumns} from commerce_invoices i
      where ($1::uuid is null or i.organisation_id = $1) and ($2::text is null or i.status = $2)
      order by i.issued_at desc, i.number desc limit $3`,
    [filter.organisationId ?? null, filter.status ?? null, Math.min(filter.limit ?? 100, 10_000)],
  );
  return withLines(db, rows);
}

/** One invoice by its number (WAO-2026-000001), or WOW_ERR_INVOICE_NOT_FOUND; with `organisationId`, only that organisation's. */
export async function getInvoice(
  db: PgQueryable,
  number: string,
  opts: { organisationId?: string; lock?: boolean } = {},
): Promise<Invoice> {
  const row = (
    await db.query<InvoiceRow>(
      `select ${invoiceColumns} from commerce_invoices i
        where i.number = $1 and ($2::uuid is null or i.organisation_id = $2)${opts.lock === true ? ' for update' : ''}`,
      [number.slice(0, 40), opts.organisationId ?? null],
    )
  ).rows[0];
  if (row === undefined) throw createError('WOW_ERR_INVOICE_NOT_FOUND', { invoice: number.slice(0, 40) });
  return (await withLines(db, [row]))[0] as Invoice;
}

/** The invoice of this id (the billing cycle's and the payments' own look-up). */
export async function invoiceById(db: PgQueryable, id: string, lock = false): Promise<Invoice | undefined> {
  const row = (
    await db.query<InvoiceRow>(
      `select ${invoiceColumns} from commerce_invoices i where i.id = $1${lock ? ' for update' : ''}`,
      [id],
    )
  ).rows[0];
  return row === undefined ? undefined : (await withLines(db, [row]))[0];
}
