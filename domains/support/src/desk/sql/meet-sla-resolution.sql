-- Input: $1 ticket id, $2 when it was solved. Reply clocks still waiting no longer apply.
update support_sla_clocks
set met_at = case when kind = 'resolution' then $2::timestamptz end,
  stopped_at = case when kind = 'resolution' then null else $2::timestamptz end
where ticket_id = $1 and met_at is null and stopped_at is null
