-- Input: $1 survey id, $2 ticket id, $3 the survey message's id, $4 when it was asked (null: now).
insert into support_csat (id, ticket_id, message_id, requested_at) values ($1, $2, $3, coalesce($4::timestamptz, now()))
