-- Operator alerts fed by events and sent: the incident an alert is about (whose issue takes
-- its GitHub mentions once WowAnalytics has opened it), and each message claimed from the
-- ledger with one row per channel target, sent at least once and retried on its own.

alter table operator_alerts add column incident_id uuid;

-- One message: the alerts of one rule at one escalation level, claimed together.
create table operator_alert_messages (
  id uuid primary key,
  rule text not null,
  level integer not null,
  alert_ids uuid[] not null,
  -- Who its GitHub comment mentions, as the rule said when it was claimed.
  mentions text[] not null,
  created_at timestamptz not null
);

-- Each place a message goes: a Slack channel, an email address, or a GitHub issue
-- ("owner/repo#n", or "new" for an issue opened in the support repository for it).
create table operator_alert_sends (
  message_id uuid not null references operator_alert_messages (id) on delete cascade,
  channel text not null check (channel in ('slack', 'email', 'github')),
  target text not null,
  state text not null default 'pending' check (state in ('pending', 'sent', 'failed')),
  attempts integer not null default 0,
  -- Not tried again before this (Slack's Retry-After, a backoff after a failure).
  next_at timestamptz not null,
  -- What the service answered: Slack's ts, the issue comment, the last error.
  result text,
  sent_at timestamptz,
  primary key (message_id, channel, target)
);

create index operator_alert_sends_due on operator_alert_sends (next_at) where state = 'pending';
