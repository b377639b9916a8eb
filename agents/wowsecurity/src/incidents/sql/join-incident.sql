-- A violation joins the burst: counted, and the burst lasts until a quiet period after it.
update security_incidents
set violations = violations + 1, last_at = greatest(last_at, $2)
where id = $1
returning id, offender, agent_id, opened_at, last_at, violations, issue_number, suspended_at
