-- Trials: an organisation's one free 7-day use of one customer-facing agent. The unique
-- (organisation_id, agent_id) is what refuses a second, however many requests race: a
-- read-then-write would let two through. Nothing here is deleted when a trial ends: the
-- row only changes state, and the deliverables (the customer domain's) stay.
create table commerce_trials (
  id uuid primary key,
  organisation_id uuid not null references commerce_organisations (id) on delete cascade,
  agent_id text not null check (length(agent_id) between 1 and 64),
  -- The member who started it; null when an API key of the organisation did.
  started_by uuid references commerce_users (id) on delete set null,
  started_at timestamptz not null,
  ends_at timestamptz not null,
  -- The business-context questionnaire, as answered (bounded by the form's limits).
  industry text not null check (length(industry) <= 100),
  goals text not null check (length(goals) <= 1000),
  audience text not null check (length(audience) <= 500),
  tone text not null check (length(tone) <= 200),
  good_result text not null check (length(good_result) <= 1000),
  -- The task of the personalised first deliverable, when the agent has a task type.
  first_task_id uuid,
  state text not null default 'active' check (state in ('active', 'ended', 'converted')),
  ended_at timestamptz,
  unique (organisation_id, agent_id),
  check (ends_at > started_at),
  check ((state = 'active') = (ended_at is null))
);
create index commerce_trials_active on commerce_trials (ends_at) where state = 'active';

-- The reminder mails (day 5, day 7), each sent once: a scheduler claims a row (insert, or
-- take over a claim whose lease ran out) before it mails, and marks it done after. Two
-- schedulers at once: the primary key lets one claim through.
create table commerce_trial_reminders (
  trial_id uuid not null references commerce_trials (id) on delete cascade,
  day smallint not null check (day in (5, 7)),
  claimed_until timestamptz not null,
  done_at timestamptz,
  -- mailed: the members were written to; subscribed: the organisation had subscribed, so no mail.
  outcome text check (outcome in ('mailed', 'subscribed')),
  primary key (trial_id, day),
  check ((done_at is null) = (outcome is null))
);
