select c.name, c.slug, c.created_at, c.webhook_url,
       (select count(*)::int from support_tickets t where t.customer_id = c.id) as tickets,
       (select count(*)::int from support_tickets t where t.customer_id = c.id and t.status not in ('solved', 'closed')) as open_tickets,
       coalesce((select array_agg(agent_id order by agent_id) from support_customer_agents a where a.customer_id = c.id), '{}') as agents
from support_customers c where c.id = $1
