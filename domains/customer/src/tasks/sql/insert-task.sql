-- A new task, queued; with an Idempotency-Key already taken by the organisation, nothing.
insert into customer_tasks (id, organisation_id, agent_id, task_type, input, parent_task_id, idempotency_key, request_sha256, created_at)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
on conflict (organisation_id, idempotency_key) do nothing
returning id::text
