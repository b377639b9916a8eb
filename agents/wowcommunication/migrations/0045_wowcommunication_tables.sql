-- Tables of the agent wowcommunication (agents/wowcommunication/agent.yml, `stores`).

-- each runtime's request circuits, their state, since when and why: one row per runtime
-- (its instance id) and request type, as its last communication.circuit.changed said
create table if not exists communication_circuits (
  instance text not null,
  type text not null,
  state text not null check (state in ('closed', 'open', 'half_open')),
  -- The error code of the failure that opened it, when it opened.
  reason text,
  changed_at timestamptz not null,
  -- Times it has opened since the runtime started.
  openings integer not null default 0,
  primary key (instance, type)
);
