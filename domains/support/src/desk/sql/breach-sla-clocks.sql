-- Input: $1 now, $2 how many at most. Output: the clocks that passed their due time
-- unmet, each returned by exactly one sweep: a clock another sweep holds is skipped, and
-- one it marked is no longer `breached_at is null` when this one gets to it.
with hit as (
  update support_sla_clocks c set breached_at = $1
  where c.id in (
    select id from support_sla_clocks
    where met_at is null and stopped_at is null and breached_at is null and paused_since is null and due_at <= $1
    order by due_at
    limit $2
    for update skip locked
  ) and c.breached_at is null
  returning c.id, c.ticket_id, c.kind, c.target_minutes, c.due_at
)
select hit.id, hit.ticket_id, hit.kind, hit.target_minutes, hit.due_at, t.priority, t.tier
from hit join support_tickets t on t.id = hit.ticket_id
order by hit.due_at
