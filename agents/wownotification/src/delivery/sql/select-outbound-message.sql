select id, ticket_id, body, auto_submitted, delivered_at, channel_msg_id from support_messages
where id = $1 and direction = 'outbound'
