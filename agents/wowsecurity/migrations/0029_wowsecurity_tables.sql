-- Tables of the agent wowsecurity (agents/wowsecurity/agent.yml, `stores`).

-- one incident per burst of an offender's violations, with its issue. The offender is the
-- agent the violation is proven to be of, else the door that refused it ("webhook door").
-- At most one open burst per offender; it closes after WOWSECURITY_QUIET_SECONDS without one.
create table if not exists security_incidents (
  id uuid primary key,
  offender text not null,
  agent_id text,
  opened_at timestamptz not null,
  last_at timestamptz not null,
  violations integer not null default 1,
  issue_number integer,
  -- when the issue was last told of more violations, so a burst writes a comment a minute at most
  commented_at timestamptz,
  suspended_at timestamptz,
  closed_at timestamptz,
  -- claimed by the one runtime that closes the issue once the burst has ended
  issue_closed_at timestamptz
);
create unique index if not exists security_incidents_open on security_incidents (offender) where closed_at is null;
create index if not exists security_incidents_quiet on security_incidents (last_at) where closed_at is null;

-- every violation published, with its agent, kind and reason
create table if not exists security_violations (
  event_id text primary key,
  incident_id uuid not null references security_incidents (id),
  agent_id text,
  kind text not null,
  source text not null,
  reason text not null,
  sample jsonb not null,
  at timestamptz not null,
  recorded_at timestamptz not null default now()
);
create index if not exists security_violations_agent_at on security_violations (agent_id, at) where agent_id is not null;
