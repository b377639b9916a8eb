-- Input: $1 the message id. Output: its attachments' metadata (an empty array for none).
select attachments from support_messages where id = $1
