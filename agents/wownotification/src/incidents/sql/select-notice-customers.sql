-- The organisations named by an incident's resolution, with where their notices go.
select id, slug, name, webhook_url, webhook_secret, webhook_secret_key_id, webhook_secret_sealed, notice_email
from support_customers where slug = any($1::text[])
order by slug
