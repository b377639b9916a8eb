-- Each agent's handling over the window ending at $1 ($2 minutes): how many messages and
-- their mean time, from the per-minute figures every runtime adds (platform/registry).
select agent_id, sum(handled)::int as handled,
       case when sum(handled) = 0 then null else sum(duration_ms_sum) / sum(handled) end as mean_ms
from agent_health_minutes
where minute > $1::timestamptz - make_interval(mins => $2::int) and minute <= $1::timestamptz
group by agent_id
