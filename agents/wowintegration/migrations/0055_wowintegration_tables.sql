-- Tables of the agent wowintegration (agents/wowintegration/agent.yml, `stores`).

-- each connector's sealed credential with its expiry, last success, last failure and consecutive failures.
-- The secrets (client id and secret, refresh and access tokens) are one JSON value sealed under a
-- data key of its own, the data key under the platform's master key (ctx.identity.secrets).
create table if not exists integration_credentials (
  integration text primary key,
  master_key_id text not null,
  sealed_data_key bytea not null,
  sealed_value bytea not null,
  -- when the access token stops being accepted, as the token endpoint said; null: it did not say
  expires_at timestamptz,
  refreshed_at timestamptz,
  last_success_at timestamptz,
  last_failure_at timestamptz,
  -- short and never a secret: an HTTP status and the API's error code
  last_error text,
  -- set when the API refused the token (401) after its last refresh
  token_rejected_at timestamptz,
  consecutive_failures integer not null default 0,
  updated_at timestamptz not null default now()
);

-- every delivery of an event to a connector that failed, with its attempts and last error, until it succeeds
create table if not exists integration_deliveries (
  integration text not null,
  event_id text not null,
  event_type text not null,
  -- the event's source (urn:wow:agent:<id>): whose events this connector carries
  source text not null,
  method text not null,
  path text not null,
  body jsonb not null,
  state text not null check (state in ('failed', 'delivered')),
  attempts integer not null default 0,
  last_status integer,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  delivered_at timestamptz,
  primary key (integration, event_id)
);
create index if not exists integration_deliveries_failed on integration_deliveries (integration, created_at) where state = 'failed';
create index if not exists integration_deliveries_source on integration_deliveries (source, integration);
