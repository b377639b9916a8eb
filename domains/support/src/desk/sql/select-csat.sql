select id, message_id, requested_at, rating, comment, rated_at from support_csat where ticket_id = $1 order by requested_at
