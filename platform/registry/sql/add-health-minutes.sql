-- Counts are added, never set, so runtimes hosting the same agent sum into one row.
insert into agent_health_minutes (agent_id, minute, handled, failed, duration_ms_sum)
select * from unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[], $5::float8[])
on conflict (agent_id, minute) do update set
  handled = agent_health_minutes.handled + excluded.handled,
  failed = agent_health_minutes.failed + excluded.failed,
  duration_ms_sum = agent_health_minutes.duration_ms_sum + excluded.duration_ms_sum
