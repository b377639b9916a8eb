-- Agents' health and the incidents opened when it regresses.

-- Each agent's handling per minute, added to by every runtime hosting it (Prometheus
-- figures are per process; this is what all of them share). Baselines are judged from it.
create table agent_health_minutes (
  agent_id text not null,
  minute timestamptz not null,
  handled integer not null,
  failed integer not null,
  duration_ms_sum double precision not null,
  primary key (agent_id, minute)
);

-- One incident per agent at a time, with its issue in the support repository.
create table support_incidents (
  id uuid primary key,
  agent_id text not null,
  -- What regressed ('latency', 'errors'), and the figures when opened and when last judged.
  signals text[] not null,
  opened_figures jsonb not null,
  latest_figures jsonb not null,
  opened_at timestamptz not null,
  -- Consecutive healthy judgements; the incident closes at two, not on one good minute.
  healthy_checks integer not null default 0,
  checked_at timestamptz,
  closed_at timestamptz,
  owner text,
  repo text,
  -- Null while the issue is being created (the lease below), as for tickets' issues.
  issue_number integer,
  issue_claimed_at timestamptz
);

create unique index support_incidents_one_open on support_incidents (agent_id) where closed_at is null;

-- Which agents a customer's integration uses: the customers an incident affects.
create table support_customer_agents (
  customer_id uuid not null references support_customers (id) on delete cascade,
  agent_id text not null,
  primary key (customer_id, agent_id)
);

-- Each notice to each affected customer, claimed before it is sent and marked once sent,
-- so a notice is sent once however many runtimes judge the incident.
create table support_incident_notices (
  incident_id uuid not null references support_incidents (id) on delete cascade,
  customer_id uuid not null references support_customers (id) on delete cascade,
  kind text not null check (kind in ('opened', 'resolved')),
  claimed_at timestamptz not null default now(),
  sent_at timestamptz,
  primary key (incident_id, customer_id, kind)
);
