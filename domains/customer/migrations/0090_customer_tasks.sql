-- The work organisations send customer-facing agents (issue 22's Service Flow). A task is
-- written queued by the task API, in the same transaction as its customer.task.requested in
-- the outbox; the recorder moves it on from the agent's events, forward only:
-- queued → working → done | failed | needs-input (the last three final).
create table customer_tasks (
  id uuid primary key,
  organisation_id uuid not null references commerce_organisations (id) on delete cascade,
  agent_id text not null,
  task_type text not null,
  input jsonb not null,
  state text not null default 'queued' check (state in ('queued', 'working', 'done', 'failed', 'needs-input')),
  -- A follow-up: the organisation's own done task whose deliverables it asks to change.
  parent_task_id uuid references customer_tasks (id) on delete set null,
  -- The client's Idempotency-Key and the sha256 of what it asked: the same key with the
  -- same request answers this task again; with another request it is refused.
  idempotency_key text,
  request_sha256 text not null,
  -- failed: the agent's error code and reason; needs-input: its question; done: its summary and model.
  reason_code text,
  reason text,
  question text,
  summary text,
  model text,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  unique (organisation_id, idempotency_key)
);

create index customer_tasks_organisation on customer_tasks (organisation_id, created_at desc);
create index customer_tasks_open on customer_tasks (agent_id) where state in ('queued', 'working');
