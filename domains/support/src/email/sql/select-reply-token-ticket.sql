-- Input: $1 a reply token's sha256. Output: the ticket it was made for, if any.
select ticket_id from support_email_reply_tokens where token_sha256 = $1
