-- Each customer with the prefixes of its keys that still work, newest first.
select c.id, c.slug, c.name, c.webhook_url, c.created_at,
  coalesce(array_agg(k.prefix order by k.created_at desc) filter (where k.id is not null), '{}') as active_keys
from support_customers c
left join support_api_keys k on k.customer_id = c.id and k.revoked_at is null
group by c.id
order by c.slug
