-- Lifecycle beyond deploys (platform/identity/lifecycle): an agent whose versions are deployed
-- is Active unless someone suspended it (it may be resumed) or revoked it (for good). Only
-- those two states are stored; no row means Active.
create table agent_lifecycle (
  agent_id text primary key,
  state text not null check (state in ('suspended', 'revoked')),
  since timestamptz not null default now(),
  actor text not null,
  reason text not null
);

-- Every change, with who made it and why: the history `wow identity show` prints.
create table agent_lifecycle_events (
  id bigserial primary key,
  agent_id text not null,
  event text not null check (event in ('suspended', 'resumed', 'revoked')),
  at timestamptz not null default now(),
  actor text not null,
  reason text not null
);
create index agent_lifecycle_events_agent on agent_lifecycle_events (agent_id, id);
