-- Input: $1 a reply token's sha256, $2 the ticket whose mail carries it.
insert into support_email_reply_tokens (token_sha256, ticket_id) values ($1, $2)
