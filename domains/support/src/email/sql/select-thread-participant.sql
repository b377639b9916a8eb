-- Input: $1 the ticket id, $2 a sender's address, lowercased.
-- Output: one row when the address takes part in the ticket's mail: its requester (whom
-- the desk mails), or someone whose mail is already on it. Anyone else who names one of
-- its Message-IDs is a stranger to the thread.
select 1 from support_tickets where id = $1 and lower(requester_email) = $2
union all
select 1 from support_messages
where ticket_id = $1 and direction = 'inbound' and channel = 'email' and lower(author_id) = $2
limit 1
