-- Instances silent for a day are history, not Offline candidates.
delete from agent_instances where heartbeat_at < now() - interval '1 day'
