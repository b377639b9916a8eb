update support_messages set approved_by = $2, approved_at = now() where id = $1 and approved_at is null
returning id
