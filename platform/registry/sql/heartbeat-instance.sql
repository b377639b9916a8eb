update agent_instances set heartbeat_at = now(), in_flight = $3
where instance_id = $1 and agent_id = $2
