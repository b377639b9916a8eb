insert into support_idempotency (customer_id, idempotency_key, request_sha256, response_status, response_body)
values ($1, $2, $3, $4, $5)
