-- A notice per affected customer with a webhook, claimable at once (claimed_at in the past).
insert into support_incident_notices (incident_id, customer_id, kind, claimed_at)
select $1, ca.customer_id, $2, 'epoch'
from support_customer_agents ca join support_customers c on c.id = ca.customer_id
where ca.agent_id = $3 and c.webhook_url is not null and (c.webhook_secret is not null or c.webhook_secret_sealed is not null)
on conflict do nothing
