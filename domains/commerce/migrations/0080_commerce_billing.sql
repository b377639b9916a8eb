-- Subscriptions and billing: an organisation's monthly hire of an agent on a plan, the
-- invoices each period and plan change issue, their lines, and every attempt to collect
-- them. Money is integer paise (bigint), never a float; instants are timestamptz (UTC).

-- How an organisation is billed: the time zone its invoices' dates are shown in, and its
-- id at the payment provider (ensureCustomer's answer, asked once).
create table commerce_billing_accounts (
  organisation_id uuid primary key references commerce_organisations (id) on delete cascade,
  time_zone text not null,
  provider text,
  provider_customer_id text
);

-- One row per organisation and agent: subscribing again after a cancellation starts the
-- same row afresh. Periods are anchored on anchor_at: period n runs from anchor + n months
-- to anchor + n + 1 months, the day clamped to the month's end (Jan 31 → Feb 28 → Mar 31).
create table commerce_subscriptions (
  id uuid primary key,
  organisation_id uuid not null references commerce_organisations (id) on delete cascade,
  agent_id text not null,
  plan_id text not null,
  status text not null check (status in ('active', 'past_due', 'suspended', 'cancelled')),
  anchor_at timestamptz not null,
  period_index integer not null default 0 check (period_index >= 0),
  current_period_start timestamptz not null,
  current_period_end timestamptz not null,
  cancel_at_period_end boolean not null default false,
  -- What a downgrade left unused, taken off the next invoices before tax.
  credit_paise bigint not null default 0 check (credit_paise >= 0),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (organisation_id, agent_id),
  check (current_period_end > current_period_start)
);
create index commerce_subscriptions_due on commerce_subscriptions (current_period_end)
  where status in ('active', 'past_due');

-- Invoice numbers run without gaps per year: the counter is taken in the invoice's own
-- transaction, so a rolled-back invoice gives its number back.
create table commerce_invoice_counters (
  year integer primary key,
  last_number integer not null check (last_number > 0)
);

create table commerce_invoices (
  id uuid primary key,
  number text not null unique,
  organisation_id uuid not null references commerce_organisations (id) on delete cascade,
  subscription_id uuid references commerce_subscriptions (id) on delete set null,
  status text not null check (status in ('open', 'paid', 'payment_failed', 'void')),
  currency text not null check (currency = 'inr'),
  subtotal_paise bigint not null check (subtotal_paise >= 0),
  tax_name text not null,
  tax_basis_points integer not null check (tax_basis_points between 0 and 10000),
  tax_paise bigint not null check (tax_paise >= 0),
  total_paise bigint not null check (total_paise = subtotal_paise + tax_paise),
  -- The customer's time zone when it was issued: its dates are printed there.
  time_zone text not null,
  issued_at timestamptz not null,
  paid_at timestamptz,
  attempts integer not null default 0,
  first_failed_at timestamptz,
  next_attempt_at timestamptz,
  failure_reason text
);
create index commerce_invoices_organisation on commerce_invoices (organisation_id, issued_at desc);
create index commerce_invoices_retry on commerce_invoices (next_attempt_at) where status = 'payment_failed';

-- A line: a period of a plan, the unused time of the old plan (negative), a credit used.
create table commerce_invoice_lines (
  invoice_id uuid not null references commerce_invoices (id) on delete cascade,
  position integer not null,
  description text not null,
  amount_paise bigint not null,
  period_start timestamptz,
  period_end timestamptz,
  primary key (invoice_id, position)
);

-- Every attempt to collect an invoice, and an operator's record of a bank transfer.
create table commerce_payments (
  id uuid primary key,
  invoice_id uuid not null references commerce_invoices (id) on delete cascade,
  provider text not null,
  idempotency_key text not null unique,
  status text not null check (status in ('paid', 'pending', 'failed')),
  amount_paise bigint not null check (amount_paise >= 0),
  provider_ref text,
  reason text,
  recorded_by text,
  attempted_at timestamptz not null
);
create index commerce_payments_invoice on commerce_payments (invoice_id, attempted_at);
