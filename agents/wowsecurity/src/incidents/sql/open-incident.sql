-- The offender's open burst, begun here when none is open, and locked either way until the
-- violation joining it is kept: of two deliveries beginning one at once, the second joins it.
insert into security_incidents (id, offender, agent_id, opened_at, last_at, violations)
values ($1, $2, $3, $4, $4, 0)
on conflict (offender) where closed_at is null do update set last_at = security_incidents.last_at
returning id, offender, agent_id, opened_at, last_at, violations, issue_number, suspended_at
