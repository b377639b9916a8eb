-- Tables of the agent wowscaling (agents/wowscaling/agent.yml, `stores`).

-- Each agent's lag, pending, live replicas and latency at each sample: the evidence a
-- recommendation is decided from and its pull request shows. Pruned after
-- WOWSCALING_RETENTION_DAYS.
create table if not exists scaling_samples (
  agent_id text not null,
  sampled_at timestamptz not null,
  -- Instances of the agent with a fresh heartbeat (the registry): its running replicas.
  live_replicas int not null check (live_replicas >= 0),
  min_replicas int not null,
  max_replicas int not null,
  pending_per_replica int not null,
  -- Entries not yet delivered to its consumer group, and delivered but not acked, over all its streams.
  lag bigint not null check (lag >= 0),
  pending bigint not null check (pending >= 0),
  -- Messages handled in the latency window, and their mean time; null with none handled.
  handled int not null default 0,
  latency_ms float8,
  -- The service level from its questionnaire, in ms; null for best effort or none declared.
  service_level_ms int,
  primary key (agent_id, sampled_at)
);
create index if not exists scaling_samples_sampled_at on scaling_samples (sampled_at);

-- Every recommendation with its evidence: open while the condition and the agent's
-- `scaling:` stand, applied once the registry's manifest shows other bounds, lapsed
-- once the condition is gone. One open per agent.
create table if not exists scaling_recommendations (
  id uuid primary key,
  agent_id text not null,
  direction text not null check (direction in ('up', 'down')),
  reason text not null,
  current jsonb not null,
  proposed jsonb not null,
  evidence jsonb not null,
  state text not null default 'open' check (state in ('open', 'applied', 'lapsed')),
  pull_number int,
  pull_url text,
  created_at timestamptz not null,
  closed_at timestamptz
);
create unique index if not exists scaling_recommendations_one_open on scaling_recommendations (agent_id)
  where state = 'open';
create index if not exists scaling_recommendations_created on scaling_recommendations (agent_id, created_at desc);
