-- Input: $1 the ticket id. Output: verified, whether the ticket's answers go to someone
-- known to be its requester. An API customer's webhook is theirs, and an email ticket's
-- address is where its mail came from; a web-form address is whatever was typed, until a
-- mail from it threads onto this ticket, which takes the ticket's reply address that only
-- that mailbox received.
select t.channel <> 'web' or exists (
    select 1 from support_messages m
    where m.ticket_id = t.id and m.direction = 'inbound' and m.channel = 'email' and lower(m.author_id) = lower(t.requester_email)
  ) as verified
from support_tickets t
where t.id = $1
