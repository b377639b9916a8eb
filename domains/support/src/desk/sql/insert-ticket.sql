insert into support_tickets (id, subject, priority, customer_id, channel, requester_email, requester_name, follows_ticket_id)
values ($1, $2, $3, $4, $5, $6, $7, $8)
