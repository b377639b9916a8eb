-- Per agent: the baseline (the trailing $3 hours before the window) and the current
-- window (the last $2 minutes), from the per-minute counts every runtime adds to.
select agent_id,
       coalesce(sum(handled) filter (where minute < $1::timestamptz - make_interval(mins => $2)), 0)::int as base_handled,
       coalesce(sum(failed) filter (where minute < $1::timestamptz - make_interval(mins => $2)), 0)::int as base_failed,
       coalesce(sum(duration_ms_sum) filter (where minute < $1::timestamptz - make_interval(mins => $2)), 0)::float8 as base_ms,
       coalesce(sum(handled) filter (where minute >= $1::timestamptz - make_interval(mins => $2)), 0)::int as cur_handled,
       coalesce(sum(failed) filter (where minute >= $1::timestamptz - make_interval(mins => $2)), 0)::int as cur_failed,
       coalesce(sum(duration_ms_sum) filter (where minute >= $1::timestamptz - make_interval(mins => $2)), 0)::float8 as cur_ms
from agent_health_minutes
where minute >= $1::timestamptz - make_interval(hours => $3) and minute <= $1::timestamptz
group by agent_id
order by agent_id
