-- No row back: the slug is taken. A webhook secret is only ever written sealed.
insert into support_customers (id, slug, name, webhook_url, webhook_secret_key_id, webhook_secret_sealed) values ($1, $2, $3, $4, $5, $6)
on conflict (slug) do nothing
returning id, slug, name, webhook_url, created_at
