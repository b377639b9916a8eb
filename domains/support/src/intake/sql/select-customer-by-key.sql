-- Revoked keys come back too, so the caller can say the key was revoked rather than unknown.
select c.id, c.slug, c.name, c.webhook_url, c.created_at, k.revoked_at
from support_api_keys k join support_customers c on c.id = k.customer_id
where k.key_sha256 = $1
