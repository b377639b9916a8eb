-- The declared schedules of agents (defineAgent's `every`): one row per agent and
-- schedule, claimed by one runtime at a time, so a schedule runs once per interval across
-- every process that hosts the agent, not once per process.
create table agent_schedules (
  agent_id text not null,
  name text not null,
  interval_ms integer not null check (interval_ms > 0),
  -- When the next run is due; a claim moves it one interval on.
  next_run_at timestamptz not null,
  -- The runtime running it now, until its lease ends (a crashed runtime's lease expires).
  claimed_by text,
  claimed_until timestamptz,
  last_started_at timestamptz,
  last_finished_at timestamptz,
  -- The last failure's message, and failures in a row (reset by a success).
  last_error text,
  failures integer not null default 0,
  primary key (agent_id, name)
);
