-- Revoking twice keeps the first time.
update support_api_keys k set revoked_at = coalesce(k.revoked_at, now())
from support_customers c
where k.prefix = $1 and c.id = k.customer_id
returning k.prefix, c.slug, k.revoked_at
