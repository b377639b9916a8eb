-- Input: $1 ticket id. A new priority sets new targets for the clocks still running or
-- paused (not those met, breached or stopped), counted from when each started.
update support_sla_clocks c
set target_minutes = n.minutes,
  due_at = c.started_at + make_interval(mins => n.minutes) + c.paused_total,
  near_breach_at = null
from support_tickets t
join support_sla_targets s on s.priority = t.priority
cross join lateral (values ('first_response', s.first_response_minutes), ('next_response', s.next_response_minutes), ('resolution', s.resolution_minutes)) as n (kind, minutes)
where c.ticket_id = $1 and t.id = c.ticket_id and n.kind = c.kind
  and c.met_at is null and c.stopped_at is null and c.breached_at is null and c.target_minutes <> n.minutes
