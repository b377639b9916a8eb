-- Bursts quiet for the period end; whoever closes one here closes its issue.
update security_incidents
set closed_at = $1
where closed_at is null and last_at < $2 and ($3::text is null or offender = $3)
returning id, offender, agent_id, opened_at, last_at, violations, issue_number, suspended_at
