select id, direction, author_kind, author_id, body, auto_submitted, cites, created_at
from support_messages where ticket_id = $1 order by created_at, id
