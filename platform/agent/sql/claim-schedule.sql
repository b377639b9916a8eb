-- Takes a due run for $3 (the runtime) unless another runtime holds it: the row lock and
-- the lease make it one run per due time across every runtime. The next run is moved one
-- interval on now, so a slow run does not make runs pile up.
with due as (
  select agent_id, name, next_run_at
  from agent_schedules
  where agent_id = $1 and name = $2 and next_run_at <= now()
    and (claimed_until is null or claimed_until < now())
  for update skip locked
)
update agent_schedules s
set claimed_by = $3,
    claimed_until = now() + $4 * interval '1 millisecond',
    last_started_at = now(),
    next_run_at = now() + s.interval_ms * interval '1 millisecond'
from due
where s.agent_id = due.agent_id and s.name = due.name
returning due.next_run_at as due_at
