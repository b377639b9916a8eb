-- Operator alerts (incidents, SLA breaches, failed deploys, security violations, approvals
-- waiting): one row per alert key while it keeps firing within the rules' dedupe window.
create table operator_alerts (
  id uuid primary key,
  -- The rule of config/alerts.yml that took it: its channels and escalation levels.
  rule text not null,
  -- What makes two alerts the same one ("support.incident.opened:<incident id>").
  alert_key text not null,
  type text not null,
  agent text not null,
  severity text not null check (severity in ('info', 'warning', 'critical')),
  summary text not null,
  -- The related issue ("owner/repo#n") where GitHub mentions go and /ack is read.
  issue text,
  first_at timestamptz not null,
  last_at timestamptz not null,
  fired integer not null default 1,
  -- Null until the message listing it (with its group) went out.
  notified_at timestamptz,
  -- The escalation level last told (0: the rule's own channels).
  level integer not null default 0,
  acked_at timestamptz,
  acked_by text
);

create index operator_alerts_key on operator_alerts (alert_key, last_at desc);
create index operator_alerts_open on operator_alerts (rule) where acked_at is null;
