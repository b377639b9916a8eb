insert into support_messages (id, ticket_id, direction, author_kind, author_id, body, auto_submitted, cites, channel, channel_msg_id)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
