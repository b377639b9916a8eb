insert into security_violations (event_id, incident_id, agent_id, kind, source, reason, sample, at)
values ($1, $2, $3, $4, $5, $6, $7, $8)
on conflict (event_id) do nothing
