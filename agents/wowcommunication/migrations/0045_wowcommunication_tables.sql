-- Tables of the agent wowcommunication (agents/wowcommunication/agent.yml, `stores`).

-- each runtime's request circuits, their state, since when and why
create table if not exists communication_circuits (
  event_id text primary key,
  event_type text not null,
  subject text,
  data jsonb,
  recorded_at timestamptz not null default now()
);
