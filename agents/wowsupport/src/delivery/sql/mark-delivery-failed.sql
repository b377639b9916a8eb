update support_messages set delivery_error = $2 where id = $1 and delivered_at is null
