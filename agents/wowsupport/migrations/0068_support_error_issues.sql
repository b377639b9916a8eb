-- Tables of the agent wowsupport (agents/wowsupport/agent.yml, `stores`): the issue of an error
-- no incident covers.

-- An error.occurred with no incident of WowAnalytics' (a message dead-lettered) that a playbook
-- takes on gets an issue of its own in the support repository, so that its run's steps are
-- recorded there as an incident's are. Claimed before the issue is opened, so one delivery opens it.
create table if not exists support_error_issues (
  -- The run's id: the error.occurred event's (support_playbook_runs.incident_id).
  incident_id uuid primary key,
  agent_id text not null,
  code text not null,
  -- Null while the claimant opens the issue.
  issue_number integer,
  claimed_at timestamptz not null,
  -- When the remedy's outcome showed the cause gone and the issue was closed.
  closed_at timestamptz
);
