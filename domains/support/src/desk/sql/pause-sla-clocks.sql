-- Input: $1 ticket id, $2 when the ball went to the customer or a third party.
update support_sla_clocks set paused_since = $2
where ticket_id = $1 and met_at is null and stopped_at is null and paused_since is null
