-- Input: $1 ticket id, $2 when the desk answered the customer. Meets the waiting first and
-- next response; a clock paused until then stops counting its pause there.
update support_sla_clocks
set met_at = $2,
  paused_total = paused_total + coalesce($2::timestamptz - paused_since, interval '0'),
  paused_since = null
where ticket_id = $1 and kind in ('first_response', 'next_response') and met_at is null and stopped_at is null
