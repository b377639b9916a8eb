-- Input: $1 ticket id. The survey of the latest solve, locked: two answers at once keep the latest.
select id from support_csat where ticket_id = $1 order by requested_at desc limit 1 for update
