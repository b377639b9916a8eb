-- A final event: queued or working → $4 (done, failed, needs-input), once; a second final changes nothing.
-- started_at stays as the start event set it, or the end when the start never arrived.
update customer_tasks
set state = $4, finished_at = $5, started_at = coalesce(started_at, $5),
    reason_code = $6, reason = $7, question = $8, summary = $9, model = $10
where id = $1 and organisation_id = $2 and agent_id = $3 and state in ('queued', 'working')
returning id
