-- The support desk on GitHub: each ticket's issue, the sync ledger that keeps every
-- message on one side only once on the other, L3 drafts waiting for approval, and the
-- switches that stop the sync (a ticket's circuit breaker, the desk's kill switch).

create table support_ticket_issues (
  ticket_id uuid primary key references support_tickets (id) on delete cascade,
  owner text not null,
  repo text not null,
  -- Null while the issue is being created: written before the call, so that a crash
  -- between GitHub's answer and ours is found again by the marker in the issue body.
  issue_number integer,
  -- The lease of the attempt creating the issue: another waits until it runs out.
  claimed_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  unique (owner, repo, issue_number)
);

-- One row per message that crossed to or from the issue, written before the API call.
create table support_sync_ledger (
  message_id uuid primary key references support_messages (id) on delete cascade,
  direction text not null check (direction in ('to_github', 'from_github')),
  github_comment_id bigint unique,
  status text not null default 'pending' check (status in ('pending', 'done')),
  content_sha256 text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- L3: a drafted answer is a message that waits; only an approver's /approve sends it.
alter table support_messages drop constraint support_messages_direction_check;
alter table support_messages add constraint support_messages_direction_check check (direction in ('inbound', 'outbound', 'internal', 'draft'));
alter table support_messages add column approved_by text;
alter table support_messages add column approved_at timestamptz;

-- The circuit breaker: set when too many messages crossed too fast (two bots answering
-- each other); nothing leaves the ticket, to the customer or to GitHub, until a person clears it.
alter table support_tickets add column sync_paused_at timestamptz;
alter table support_tickets add column sync_paused_reason text;
-- The breaker counts from here after a person resumes the sync, not the loop before it.
alter table support_tickets add column sync_resumed_at timestamptz;

-- Which specialist (an agent id, or a team of people) holds the ticket at L2/L3.
alter table support_tickets add column assignee text;
alter table support_tickets add column topic text;

-- Desk-wide switches, e.g. the kill switch that stops all sync and all automatic replies.
create table support_settings (
  name text primary key,
  value jsonb not null,
  updated_by text not null,
  updated_at timestamptz not null default now()
);
