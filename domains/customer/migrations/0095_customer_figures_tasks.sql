-- The marketplace's figures, task by task: a projection of the customer.task.* events
-- (domains/customer/src/figures/). One row per task, whatever order its events arrive in
-- and however often: each event sets only its own columns, so a redelivery changes nothing.
-- The task's agent is the first event's; an event naming another agent is ignored.
create table customer_figures_tasks (
  task_id uuid primary key,
  agent_id text not null,
  task_type text,
  -- The agent's first customer.task.started.
  started_at timestamptz,
  -- customer.task.completed or .failed; a completion is final, a failure does not undo it.
  outcome text check (outcome in ('completed', 'failed')),
  finished_at timestamptz,
  -- The one-line anonymised summary of a completed task, for the profile's activity feed.
  summary text check (char_length(summary) <= 200),
  -- The customer's rating of the delivered work; the latest rating counts.
  stars smallint check (stars between 1 and 5),
  rated_at timestamptz
);

-- Every figure is computed per agent, and the activity feed reads its newest completions.
create index customer_figures_tasks_agent on customer_figures_tasks (agent_id, finished_at desc);
