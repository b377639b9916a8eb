select id, slug, name, webhook_url, created_at from support_customers where slug = $1
