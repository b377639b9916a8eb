-- Where an answer on this ticket goes: the customer's webhook for API tickets, the requester's address otherwise.
select t.channel, t.subject, t.requester_email, c.id as customer_id, c.webhook_url, c.webhook_secret, c.webhook_secret_key_id, c.webhook_secret_sealed
from support_tickets t left join support_customers c on c.id = t.customer_id
where t.id = $1
