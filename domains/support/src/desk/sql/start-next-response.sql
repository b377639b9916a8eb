-- Input: $1 ticket id, $2 when the customer wrote, $3 whether the ticket is paused then.
-- A next response is due once the first one is behind the ticket, and only one waits at a
-- time: the customer's oldest unanswered message sets the deadline.
insert into support_sla_clocks (id, ticket_id, kind, target_minutes, started_at, due_at, paused_since)
select gen_random_uuid(), t.id, 'next_response', s.next_response_minutes, $2, $2::timestamptz + make_interval(mins => s.next_response_minutes), case when $3::boolean then $2::timestamptz end
from support_tickets t
join support_sla_targets s on s.priority = t.priority
where t.id = $1
  and exists (select 1 from support_sla_clocks f where f.ticket_id = t.id and f.kind = 'first_response' and (f.met_at is not null or f.stopped_at is not null))
on conflict (ticket_id) where kind = 'next_response' and met_at is null and stopped_at is null do nothing
