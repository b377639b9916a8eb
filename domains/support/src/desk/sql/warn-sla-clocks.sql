-- Input: $1 now, $2 the share of its target left under which a clock is near breach,
-- $3 how many at most. Output: the clocks now near breach, each returned once (as
-- breach-sla-clocks.sql does).
with hit as (
  update support_sla_clocks c set near_breach_at = $1
  where c.id in (
    select id from support_sla_clocks
    where met_at is null and stopped_at is null and breached_at is null and near_breach_at is null and paused_since is null
      and due_at > $1 and due_at - $1::timestamptz <= make_interval(secs => target_minutes * 60 * $2::float8)
    order by due_at
    limit $3
    for update skip locked
  ) and c.near_breach_at is null
  returning c.id, c.ticket_id, c.kind, c.target_minutes, c.due_at
)
select hit.id, hit.ticket_id, hit.kind, hit.target_minutes, hit.due_at, t.priority, t.tier
from hit join support_tickets t on t.id = hit.ticket_id
order by hit.due_at
