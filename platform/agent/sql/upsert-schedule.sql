-- Declares a schedule when an agent starts: a new one is due at once; a changed interval
-- takes effect from now, and never pushes a due run later than the new interval allows.
insert into agent_schedules (agent_id, name, interval_ms, next_run_at)
values ($1, $2, $3, now())
on conflict (agent_id, name) do update
  set interval_ms = excluded.interval_ms,
      next_run_at = least(agent_schedules.next_run_at, now() + excluded.interval_ms * interval '1 millisecond')
