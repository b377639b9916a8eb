-- The channel took it. An email keeps its Message-ID (and web-form answers, sent by
-- email, become email messages), so the customer's reply threads onto the ticket.
update support_messages set delivered_at = now(), delivery_error = null, customer_delivery_failure = null,
  channel_msg_id = coalesce($2, channel_msg_id), channel = coalesce($3, channel)
where id = $1
