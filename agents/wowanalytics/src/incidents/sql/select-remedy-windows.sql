-- The agent's figures ($1) in each whole window after a remedy ran ($2): $4 windows of $3
-- minutes, the first starting when it ran. Each window against the $5 hours before it, as
-- the look at the window's end judges an agent (select-health-figures.sql).
with windows as (
  select n, $2::timestamptz + make_interval(mins => $3::int * (n - 1)) as start
  from generate_series(1, $4::int) as n
)
select w.n,
       coalesce(sum(m.handled) filter (where m.minute < w.start), 0)::int as base_handled,
       coalesce(sum(m.failed) filter (where m.minute < w.start), 0)::int as base_failed,
       coalesce(sum(m.duration_ms_sum) filter (where m.minute < w.start), 0)::float8 as base_ms,
       coalesce(sum(m.handled) filter (where m.minute >= w.start), 0)::int as cur_handled,
       coalesce(sum(m.failed) filter (where m.minute >= w.start), 0)::int as cur_failed,
       coalesce(sum(m.duration_ms_sum) filter (where m.minute >= w.start), 0)::float8 as cur_ms
from windows w
left join agent_health_minutes m
  on m.agent_id = $1
 and m.minute >= w.start - make_interval(hours => $5::int)
 and m.minute < w.start + make_interval(mins => $3::int)
group by w.n
order by w.n
