-- Exactly the draft named, and only while it waits on this ticket: a stale or foreign id approves nothing.
update support_messages set approved_by = $3, approved_at = now()
where id = $2 and ticket_id = $1 and direction = 'draft' and approved_at is null
returning body, cites, author_id
