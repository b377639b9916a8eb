-- An organisation's webhook set, changed or removed: its secret is only ever written sealed,
-- and the plain column of a row from before sealing is cleared with it.
update support_customers
set webhook_url = $2, webhook_secret = null, webhook_secret_key_id = $3, webhook_secret_sealed = $4
where id = $1
