insert into support_messages (id, ticket_id, direction, author_kind, author_id, body, auto_submitted, cites)
values ($1, $2, $3, $4, $5, $6, $7, $8)
