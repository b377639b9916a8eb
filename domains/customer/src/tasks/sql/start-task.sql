-- customer.task.started: queued → working, only from queued (a late start after the end changes nothing).
update customer_tasks set state = 'working', started_at = $4
where id = $1 and organisation_id = $2 and agent_id = $3 and state = 'queued'
