-- Counts are added, never set, so processes caching one namespace sum into one row; the
-- L1 size and bound are the largest any process reported in the minute.
insert into cache_namespace_minutes (
  namespace, minute, l1_hits, l2_hits, loads, load_ms_sum, evictions, expired, stampede_waits, oversize, l1_entries_max, l1_bound
)
select * from unnest(
  $1::text[], $2::timestamptz[], $3::bigint[], $4::bigint[], $5::bigint[], $6::float8[],
  $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::int[], $12::int[]
)
on conflict (namespace, minute) do update set
  l1_hits = cache_namespace_minutes.l1_hits + excluded.l1_hits,
  l2_hits = cache_namespace_minutes.l2_hits + excluded.l2_hits,
  loads = cache_namespace_minutes.loads + excluded.loads,
  load_ms_sum = cache_namespace_minutes.load_ms_sum + excluded.load_ms_sum,
  evictions = cache_namespace_minutes.evictions + excluded.evictions,
  expired = cache_namespace_minutes.expired + excluded.expired,
  stampede_waits = cache_namespace_minutes.stampede_waits + excluded.stampede_waits,
  oversize = cache_namespace_minutes.oversize + excluded.oversize,
  l1_entries_max = greatest(cache_namespace_minutes.l1_entries_max, excluded.l1_entries_max),
  l1_bound = greatest(cache_namespace_minutes.l1_bound, excluded.l1_bound)
