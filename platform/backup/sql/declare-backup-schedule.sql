-- The backup schedule's first run is one interval after the platform first starts (a
-- database just created holds nothing to save); the schedule runner's own declaration,
-- which follows, then keeps that time.
insert into agent_schedules (agent_id, name, interval_ms, next_run_at)
values ($1, $2, $3::integer, now() + $3::integer * interval '1 millisecond')
on conflict (agent_id, name) do nothing
