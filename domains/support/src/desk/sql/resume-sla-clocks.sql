-- Input: $1 ticket id, $2 when the ball came back to the desk. Each due time moves on by
-- the paused stretch.
update support_sla_clocks
set due_at = due_at + ($2::timestamptz - paused_since),
  paused_total = paused_total + ($2::timestamptz - paused_since),
  paused_since = null
where ticket_id = $1 and met_at is null and stopped_at is null and paused_since is not null
