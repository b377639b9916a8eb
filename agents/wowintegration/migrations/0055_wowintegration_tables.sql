-- Tables of the agent wowintegration (agents/wowintegration/agent.yml, `stores`).

-- each connector's sealed credential with its expiry, last success, last failure and consecutive failures
create table if not exists integration_credentials (
  event_id text primary key,
  event_type text not null,
  subject text,
  data jsonb,
  recorded_at timestamptz not null default now()
);

-- every delivery of an event to a connector that failed, with its attempts and last error, until it succeeds
create table if not exists integration_deliveries (
  event_id text primary key,
  event_type text not null,
  subject text,
  data jsonb,
  recorded_at timestamptz not null default now()
);
