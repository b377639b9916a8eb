-- Tables of the agent wowsecurity (agents/wowsecurity/agent.yml, `stores`).

-- every violation published, with its agent, kind and reason
create table if not exists security_violations (
  event_id text primary key,
  event_type text not null,
  subject text,
  data jsonb,
  recorded_at timestamptz not null default now()
);

-- one incident per burst of an agent's violations, with its issue
create table if not exists security_incidents (
  event_id text primary key,
  event_type text not null,
  subject text,
  data jsonb,
  recorded_at timestamptz not null default now()
);
