-- Input: $1 ticket id, $2 when a solved ticket reopened. The resolution clock runs again;
-- the time it spent solved counts as paused, so its due time moves on by that much.
update support_sla_clocks
set due_at = due_at + ($2::timestamptz - met_at),
  paused_total = paused_total + ($2::timestamptz - met_at),
  met_at = null
where ticket_id = $1 and kind = 'resolution' and met_at is not null and stopped_at is null
