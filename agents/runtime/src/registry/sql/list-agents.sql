-- Status is derived here, at read time: Offline with no live instance (a heartbeat within
-- $1 ms and not stopped), Working when a live instance has work in flight, else Available.
with live as (
  select agent_id, instance_id, in_flight, heartbeat_at,
         stopped_at is null and heartbeat_at > now() - make_interval(secs => $1::double precision / 1000) as is_live
  from agent_instances
)
select a.id, a.name, a.version, a.description,
       count(l.instance_id)::int as instances,
       (count(l.instance_id) filter (where l.is_live))::int as live_instances,
       coalesce(sum(l.in_flight) filter (where l.is_live), 0)::int as in_flight,
       max(l.heartbeat_at) as last_heartbeat_at,
       case
         when count(l.instance_id) filter (where l.is_live) = 0 then 'Offline'
         when coalesce(sum(l.in_flight) filter (where l.is_live), 0) > 0 then 'Working'
         else 'Available'
       end as status
from agents a
left join live l on l.agent_id = a.id
group by a.id
order by a.id
