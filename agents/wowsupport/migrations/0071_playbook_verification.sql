-- A remedy's verification (issue 20): WowAnalytics judges the agent over the windows after a
-- remedy was applied; WowSupport then marks the run recovered, or undoes the remedy where the
-- playbook says how (undone) and escalates the incident to L3 (escalated, when nothing undoes it).
alter table support_playbook_runs drop constraint if exists support_playbook_runs_state_check;
alter table support_playbook_runs add constraint support_playbook_runs_state_check
  check (state in ('diagnosing', 'applied', 'waiting', 'no_remedy', 'failed', 'recovered', 'undone', 'escalated'));
-- When the remedy ran, and over how many of WowAnalytics' windows after it recovery must show.
alter table support_playbook_runs add column if not exists applied_at timestamptz;
alter table support_playbook_runs add column if not exists verify_windows integer check (verify_windows between 1 and 12);
