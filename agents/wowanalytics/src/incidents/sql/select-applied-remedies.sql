-- WowSupport's remedies waiting for a verdict (support_playbook_runs): applied, with the
-- windows they are given, and not for an incident that has closed (its close was the verdict).
-- An incident's run names the incident; an error's (a dead letter) names no incident.
select r.incident_id, r.agent_id, r.playbook, r.remedy, r.applied_at, r.verify_windows, i.id is not null as incident
from support_playbook_runs r
left join support_incidents i on i.id = r.incident_id
where r.state = 'applied' and r.applied_at is not null and r.verify_windows is not null and r.remedy is not null
  and (i.id is null or i.closed_at is null)
order by r.applied_at
limit 500
