-- Input: $1 ticket id, $2 when it closed. Nothing more is due on a closed ticket.
update support_sla_clocks set stopped_at = $2
where ticket_id = $1 and met_at is null and stopped_at is null
