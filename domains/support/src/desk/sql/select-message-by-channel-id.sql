select ticket_id, id from support_messages where channel = $1 and channel_msg_id = $2
