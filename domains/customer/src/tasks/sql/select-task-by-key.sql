-- The task an organisation ($1) sent with an Idempotency-Key ($2), and what it asked then.
select id::text, request_sha256 from customer_tasks where organisation_id = $1 and idempotency_key = $2
