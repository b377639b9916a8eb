select request_sha256, response_status, response_body from support_idempotency
where customer_id = $1 and idempotency_key = $2
