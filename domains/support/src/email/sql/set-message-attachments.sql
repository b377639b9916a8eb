-- Input: $1 the message id, $2 its attachments' metadata as a JSON array.
update support_messages set attachments = $2::jsonb where id = $1
