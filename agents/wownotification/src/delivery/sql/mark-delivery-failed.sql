-- Input: $1 the message id, $2 why it was not delivered (our words, for the team), $3 what
-- the customer may be told of it (JSON; null when the cause is ours).
update support_messages set delivery_error = $2, customer_delivery_failure = $3::jsonb
where id = $1 and delivered_at is null
