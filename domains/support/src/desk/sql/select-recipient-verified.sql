-- Input: $1 the ticket id. Output: verified, whether the ticket's answers go to someone
-- known to be its requester. An API customer's webhook is theirs. An address typed into
-- the web form, or the From of a mail (which anyone can forge: no SPF, DKIM or DMARC is
-- checked here), is anyone's until a later mail from it threads onto this ticket, which
-- takes the ticket's secret reply address that only the real mailbox received.
select t.channel not in ('web', 'email') or exists (
    select 1 from support_messages m
    where m.ticket_id = t.id and m.direction = 'inbound' and m.channel = 'email'
      and lower(m.author_id) = lower(t.requester_email)
      and m.created_at > (select min(first.created_at) from support_messages first where first.ticket_id = t.id)
  ) as verified
from support_tickets t
where t.id = $1
