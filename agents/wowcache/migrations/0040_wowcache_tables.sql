-- Tables of the agent wowcache (agents/wowcache/agent.yml, `stores`).

-- each namespace's cache figures per minute, added by every process
create table if not exists cache_namespace_minutes (
  event_id text primary key,
  event_type text not null,
  subject text,
  data jsonb,
  recorded_at timestamptz not null default now()
);

-- each namespace's tuned TTL factor and L1 size, read by every process
create table if not exists cache_tuning (
  event_id text primary key,
  event_type text not null,
  subject text,
  data jsonb,
  recorded_at timestamptz not null default now()
);

-- every tuning change with its reason
create table if not exists cache_tuning_changes (
  event_id text primary key,
  event_type text not null,
  subject text,
  data jsonb,
  recorded_at timestamptz not null default now()
);
