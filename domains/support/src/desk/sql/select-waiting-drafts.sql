-- Drafts no approver has sent yet, oldest first: the ids the issue shows with `/approve <id>`.
select id, body, cites, author_id from support_messages
where ticket_id = $1 and direction = 'draft' and approved_at is null
order by created_at, id
