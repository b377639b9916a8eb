insert into agent_instances (instance_id, agent_id, host, pid, tree_hash)
values ($1, $2, $3, $4, $5)
on conflict (agent_id, instance_id) do update set heartbeat_at = now(), stopped_at = null, in_flight = 0, tree_hash = excluded.tree_hash
