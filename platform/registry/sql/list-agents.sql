-- Status is derived here, at read time: Offline with no live instance (a heartbeat within
-- $1 ms and not stopped), Working when a live instance has work in flight, else Available.
-- The deployed version is the Active one in agent_versions; `running_active` counts the
-- live instances already running it (0 while a runtime is still swapping it in).
with live as (
  select agent_id, instance_id, in_flight, heartbeat_at, tree_hash,
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
       end as status,
       v.tree_hash as active_tree_hash, v.version as active_version, v.commit_sha as active_commit, v.activated_at,
       (count(l.instance_id) filter (where l.is_live and l.tree_hash = v.tree_hash))::int as running_active
from agents a
left join live l on l.agent_id = a.id
left join agent_versions v on v.agent_id = a.id and v.state = 'Active'
group by a.id, v.agent_id, v.tree_hash
order by a.id
