-- Tables of the agent wowsupport (agents/wowsupport/agent.yml, `stores`): the self-healing
-- playbooks it runs on incidents and errors.

-- One playbook run per incident (or error): the remedy chosen, its state and what undoes it.
create table if not exists support_playbook_runs (
  incident_id uuid primary key,
  agent_id text not null,
  playbook text not null,
  remedy text,
  risk text check (risk in ('low', 'high')),
  -- diagnosing → applied | waiting (high risk, for /approve) | no_remedy; applied → undone | failed.
  state text not null check (state in ('diagnosing', 'applied', 'waiting', 'no_remedy', 'failed', 'undone')),
  summary text,
  -- The diagnosis by step id and the action's reply (the previous settings an undo restores).
  diagnosis jsonb not null default '{}',
  result jsonb,
  approved_by text,
  started_at timestamptz not null,
  updated_at timestamptz not null
);

-- Every step of every run, in order: the audit trail the incident's issue shows too.
create table if not exists support_playbook_steps (
  id bigserial primary key,
  incident_id uuid not null references support_playbook_runs (incident_id) on delete cascade,
  step text not null,
  detail jsonb not null,
  at timestamptz not null
);
create index if not exists support_playbook_steps_incident on support_playbook_steps (incident_id, id);
