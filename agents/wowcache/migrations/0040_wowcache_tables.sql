-- Tables of the agent wowcache (agents/wowcache/agent.yml, `stores`).

-- Each namespace's cache figures per minute, added by every process (platform/cache):
-- the record WowCache tunes from and `wow cache stats` reads.
create table if not exists cache_namespace_minutes (
  namespace text not null,
  minute timestamptz not null,
  l1_hits bigint not null default 0,
  l2_hits bigint not null default 0,
  loads bigint not null default 0,
  load_ms_sum float8 not null default 0,
  evictions bigint not null default 0,
  expired bigint not null default 0,
  stampede_waits bigint not null default 0,
  oversize bigint not null default 0,
  l1_entries_max int not null default 0,
  -- The L1 bound in effect (the largest, should processes differ for a moment).
  l1_bound int not null default 0,
  primary key (namespace, minute)
);
create index if not exists cache_namespace_minutes_minute on cache_namespace_minutes (minute);

-- Each namespace's tuned TTL factor and L1 size, which every process reads periodically;
-- no row means the platform's defaults.
create table if not exists cache_tuning (
  namespace text primary key,
  ttl_factor float8 not null check (ttl_factor > 0),
  l1_max_entries int not null check (l1_max_entries > 0),
  updated_at timestamptz not null default now()
);

-- Every tuning change, with the figures it was decided from and why.
create table if not exists cache_tuning_changes (
  id bigserial primary key,
  namespace text not null,
  at timestamptz not null default now(),
  setting text not null check (setting in ('ttl_factor', 'l1_max_entries')),
  old_value float8 not null,
  new_value float8 not null,
  reason text not null,
  figures jsonb not null
);
create index if not exists cache_tuning_changes_namespace on cache_tuning_changes (namespace, id);
