select status from support_tickets where id = $1 for update
