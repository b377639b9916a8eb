-- Each organisation's customer at Stripe (the Stripe driver of the payment provider port):
-- looked up here before Stripe is asked, so that an organisation is created there once.
-- The customer id is Stripe's (cus_…); test-mode and live-mode customers never share a
-- database, so one column is enough.
create table commerce_stripe_customers (
  organisation_id uuid primary key references commerce_organisations (id) on delete cascade,
  customer_id text not null unique check (customer_id ~ '^cus_[A-Za-z0-9]{1,250}$'),
  created_at timestamptz not null default now()
);
