select id, kind, target_minutes, started_at, due_at, paused_since, extract(epoch from paused_total)::float8 as paused_seconds, met_at, breached_at, near_breach_at, stopped_at
from support_sla_clocks where ticket_id = $1
order by started_at, kind
