select id, direction, author_kind, author_id, body, auto_submitted, cites, channel, channel_msg_id, delivered_at, created_at
from support_messages where ticket_id = $1 order by created_at, id
