-- Ends $3's run: a success clears the failure count; a failure ($4 the message) is tried
-- again after $5 ms, or at the next interval if that comes first.
update agent_schedules
set claimed_by = null,
    claimed_until = null,
    last_finished_at = now(),
    last_error = $4,
    failures = case when $4::text is null then 0 else failures + 1 end,
    next_run_at = case when $4::text is null then next_run_at
                       else least(next_run_at, now() + $5 * interval '1 millisecond') end
where agent_id = $1 and name = $2 and claimed_by = $3
