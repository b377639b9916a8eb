-- Each namespace's figures summed over the minutes since $1, with its tuning (null: the
-- platform's defaults). The L1 bound is the newest minute's, what the processes hold now.
select
  m.namespace,
  sum(m.l1_hits)::float8 as l1_hits,
  sum(m.l2_hits)::float8 as l2_hits,
  sum(m.loads)::float8 as loads,
  sum(m.load_ms_sum)::float8 as load_ms_sum,
  sum(m.evictions)::float8 as evictions,
  sum(m.expired)::float8 as expired,
  sum(m.stampede_waits)::float8 as stampede_waits,
  sum(m.oversize)::float8 as oversize,
  max(m.l1_entries_max) as l1_entries_max,
  (array_agg(m.l1_bound order by m.minute desc))[1] as l1_bound,
  t.ttl_factor,
  t.l1_max_entries
from cache_namespace_minutes m
left join cache_tuning t on t.namespace = m.namespace
where m.minute >= $1
group by m.namespace, t.ttl_factor, t.l1_max_entries
order by m.namespace
