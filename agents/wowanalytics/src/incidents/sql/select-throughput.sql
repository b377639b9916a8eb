-- Per agent: what its runtimes handled and failed in the $2 hours up to $1 (the operators'
-- dashboard), from the same per-minute counts the baselines are judged from.
select agent_id,
       coalesce(sum(handled), 0)::int as handled,
       coalesce(sum(failed), 0)::int as failed
from agent_health_minutes
where minute > $1::timestamptz - make_interval(hours => $2) and minute <= $1::timestamptz
group by agent_id
order by agent_id
