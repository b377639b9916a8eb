-- Input: $1 ticket id, $2 when it opened. Starts its first-response and resolution clocks
-- from the targets of its priority.
insert into support_sla_clocks (id, ticket_id, kind, target_minutes, started_at, due_at)
select gen_random_uuid(), t.id, c.kind, c.minutes, $2, $2::timestamptz + make_interval(mins => c.minutes)
from support_tickets t
join support_sla_targets s on s.priority = t.priority
cross join lateral (values ('first_response', s.first_response_minutes), ('resolution', s.resolution_minutes)) as c (kind, minutes)
where t.id = $1
on conflict do nothing
