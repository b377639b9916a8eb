insert into support_api_keys (id, customer_id, prefix, key_sha256) values ($1, $2, $3, $4)
