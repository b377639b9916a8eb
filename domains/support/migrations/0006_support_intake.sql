-- The ticket API's intake: customers' API keys, the responses kept for Idempotency-Key
-- replays, and per-customer request counters for the rate limit.

create table support_api_keys (
  id uuid primary key,
  customer_id uuid not null references support_customers (id) on delete cascade,
  -- The key's first characters (wow_sk_ and 8 more): shown in lists, and how people name
  -- a key to revoke. Never enough to use it.
  prefix text not null unique,
  -- Only the key's sha256 is kept, so a copy of this table opens no API.
  key_sha256 text not null unique,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

create index support_api_keys_customer on support_api_keys (customer_id);

-- One row per Idempotency-Key a customer used: a retry of the same request gets the
-- stored response; the same key on another request is refused. Written in the same
-- transaction as what the request created.
create table support_idempotency (
  customer_id uuid not null references support_customers (id) on delete cascade,
  idempotency_key text not null,
  -- Of the method, path and validated body: what "the same request" means.
  request_sha256 text not null,
  response_status integer not null,
  response_body jsonb not null,
  created_at timestamptz not null default now(),
  primary key (customer_id, idempotency_key)
);

-- Fixed one-minute windows: one row per customer and minute, counted by an upsert so
-- concurrent requests never lose a count.
create table support_rate_limits (
  customer_id uuid not null references support_customers (id) on delete cascade,
  window_start timestamptz not null,
  requests integer not null,
  primary key (customer_id, window_start)
);
