-- Where an answer on this ticket goes: the customer's webhook for API tickets, the requester's address otherwise.
-- recipient_verified: whether that address is known to be the requester's. An API
-- customer's webhook is theirs, and an email ticket's address is where its mail came
-- from; a web-form address is whatever was typed, until a mail from it answers the desk
-- on this ticket.
select t.channel, t.subject, t.requester_email, c.id as customer_id, c.webhook_url, c.webhook_secret, c.webhook_secret_key_id, c.webhook_secret_sealed,
  t.channel <> 'web' or exists (
    select 1 from support_messages m
    where m.ticket_id = t.id and m.direction = 'inbound' and m.channel = 'email' and lower(m.author_id) = lower(t.requester_email)
  ) as recipient_verified
from support_tickets t left join support_customers c on c.id = t.customer_id
where t.id = $1
