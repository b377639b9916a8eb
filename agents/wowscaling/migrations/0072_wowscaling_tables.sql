-- Tables of the agent wowscaling (agents/wowscaling/agent.yml, `stores`).

-- each agent's lag, pending, live replicas and latency at each sample
create table if not exists scaling_samples (
  event_id text primary key,
  event_type text not null,
  subject text,
  data jsonb,
  recorded_at timestamptz not null default now()
);

-- every recommendation with its evidence and the pull request that carries it
create table if not exists scaling_recommendations (
  event_id text primary key,
  event_type text not null,
  subject text,
  data jsonb,
  recorded_at timestamptz not null default now()
);
