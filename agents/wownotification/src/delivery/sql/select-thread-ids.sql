-- The thread's email Message-IDs, oldest first: References for the next email on it.
select channel_msg_id from support_messages
where ticket_id = $1 and channel = 'email' and channel_msg_id is not null
order by created_at
