update agent_instances set stopped_at = now(), in_flight = 0
where instance_id = $1 and agent_id = $2
