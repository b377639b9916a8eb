-- The support desk's service levels: a clock per ticket for the first response, each next
-- response and the resolution, counted in calendar time from the targets of the ticket's
-- priority, stopped while the ball is with the customer or a third party; and the
-- customers' satisfaction ratings (CSAT) asked for after each solve.

-- Minutes to each target by priority, as in Zendesk's sample policy. Edit the rows to
-- change the desk's policy; a running clock keeps the target it started with.
create table support_sla_targets (
  priority text primary key check (priority in ('urgent', 'high', 'normal', 'low')),
  first_response_minutes integer not null check (first_response_minutes > 0),
  next_response_minutes integer not null check (next_response_minutes > 0),
  resolution_minutes integer not null check (resolution_minutes > 0)
);

insert into support_sla_targets (priority, first_response_minutes, next_response_minutes, resolution_minutes) values
  ('urgent', 60, 120, 480),
  ('high', 240, 480, 1440),
  ('normal', 480, 1440, 4320),
  ('low', 1440, 2880, 10080);

create table support_sla_clocks (
  id uuid primary key,
  ticket_id uuid not null references support_tickets (id) on delete cascade,
  -- first_response: once per ticket; next_response: one per customer message waiting for
  -- an answer after the first response; resolution: once per ticket, until it is solved.
  kind text not null check (kind in ('first_response', 'next_response', 'resolution')),
  target_minutes integer not null check (target_minutes > 0),
  started_at timestamptz not null,
  -- started_at + target + every paused stretch so far; moved on at each resume.
  due_at timestamptz not null,
  -- Set while the ticket is pending the customer or on hold (or, for the resolution, solved).
  paused_since timestamptz,
  paused_total interval not null default interval '0',
  met_at timestamptz,
  -- Once per clock: the sweep that sets it publishes support.sla.breached in the same transaction.
  breached_at timestamptz,
  -- Once per clock, when less than a share of the target was left (support.sla.near_breach).
  near_breach_at timestamptz,
  -- No longer applies: the ticket was solved before a response, or closed.
  stopped_at timestamptz
);

create unique index support_sla_clocks_once on support_sla_clocks (ticket_id, kind) where kind <> 'next_response';
-- At most one next response waits at a time: a second customer message does not move it on.
create unique index support_sla_clocks_next on support_sla_clocks (ticket_id) where kind = 'next_response' and met_at is null and stopped_at is null;
-- What the sweep scans: running clocks by due time.
create index support_sla_clocks_due on support_sla_clocks (due_at) where met_at is null and stopped_at is null and breached_at is null;

-- One survey per solve: the desk asks once each time the ticket becomes solved, and the
-- customer's latest answer to it counts.
create table support_csat (
  id uuid primary key,
  ticket_id uuid not null references support_tickets (id) on delete cascade,
  -- The survey message sent to the customer; null for a ticket solved before surveys were sent.
  message_id uuid references support_messages (id) on delete cascade,
  requested_at timestamptz not null,
  rating text check (rating in ('good', 'bad')),
  comment text,
  rated_at timestamptz
);

create index support_csat_ticket on support_csat (ticket_id, requested_at);
