-- No row back: the slug is taken.
insert into support_customers (id, slug, name, webhook_url, webhook_secret) values ($1, $2, $3, $4, $5)
on conflict (slug) do nothing
returning id, slug, name, webhook_url, created_at
