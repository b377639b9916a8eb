-- Input: $1 the moment before which a ticket must have been solved or closed for its reply
-- addresses to go. Output: how many went. A ticket solved and reopened since (its solved_at
-- cleared, or its status no longer solved or closed) keeps them.
with gone as (
  delete from support_email_reply_tokens t
  using support_tickets s
  where s.id = t.ticket_id
    and s.status in ('solved', 'closed')
    and coalesce(s.closed_at, s.solved_at) < $1::timestamptz
  returning 1
)
select count(*)::int as n from gone
