-- The registry: each agent as its manifest declares it, and each process running it.
-- Status (Available / Working / Offline) is derived from instances when read, never stored.
create table agents (
  id text primary key,
  name text not null,
  version text not null,
  description text not null,
  manifest jsonb not null,
  updated_at timestamptz not null default now()
);

create table agent_instances (
  instance_id text not null,
  agent_id text not null references agents (id) on delete cascade,
  host text not null,
  pid integer not null,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  in_flight integer not null default 0,
  stopped_at timestamptz,
  primary key (agent_id, instance_id)
);

create index agent_instances_live on agent_instances (agent_id, heartbeat_at) where stopped_at is null;
