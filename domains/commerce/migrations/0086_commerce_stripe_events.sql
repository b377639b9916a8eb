-- Stripe's webhook events already handled, by event id (evt_…): Stripe delivers at least
-- once and retries a delivery for up to three days, so an id seen again is answered and
-- ignored.
create table commerce_stripe_events (
  id text primary key check (id ~ '^evt_[A-Za-z0-9]{1,250}$'),
  type text not null,
  handled_at timestamptz not null
);
