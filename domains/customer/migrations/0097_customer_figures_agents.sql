-- Each agent's figures as the marketplace shows them, computed again from the two tables
-- above after every event about the agent (under a per-agent lock): the catalogue reads one
-- row per agent, not every task it ever did.
create table customer_figures_agents (
  agent_id text primary key,
  -- Ratings of delivered work (1–5): how many, and their sum (the mean is sum / count).
  ratings integer not null default 0,
  stars_total integer not null default 0,
  tasks_completed integer not null default 0,
  tasks_failed integer not null default 0,
  -- Completed tasks whose start is known, and the median and 95th percentile of started→completed.
  timed_tasks integer not null default 0,
  response_p50_ms double precision,
  response_p95_ms double precision,
  -- Subscriptions that came up for renewal (renewed, or ended without renewing), and those renewed.
  subscriptions_decided integer not null default 0,
  subscriptions_renewed integer not null default 0,
  updated_at timestamptz not null default now()
);
