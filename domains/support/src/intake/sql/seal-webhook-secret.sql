-- Input: $1 the customer, $2 the sealing key's id, $3 the sealed secret. The plain text goes in the same statement.
update support_customers set webhook_secret_key_id = $2, webhook_secret_sealed = $3, webhook_secret = null where id = $1
