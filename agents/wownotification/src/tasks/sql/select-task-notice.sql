-- The task an outcome is about, with its organisation's webhook: only the organisation's own
-- task, sent to the agent that reports it.
select t.id, t.agent_id, t.task_type, c.name as organisation_name, c.slug as organisation_slug,
  c.webhook_url, c.webhook_secret, c.webhook_secret_key_id, c.webhook_secret_sealed
from customer_tasks t
join support_customers c on c.id = t.organisation_id
where t.id = $1 and t.organisation_id = $2 and t.agent_id = $3
