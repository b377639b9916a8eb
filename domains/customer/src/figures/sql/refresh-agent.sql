-- Agent $1's figures, computed again from its tasks and subscriptions. Response time is
-- started→completed per completed task whose start is known; percentile_cont skips the rest.
with tasks as (
  select stars, outcome,
         case when outcome = 'completed' and finished_at >= started_at
              then (extract(epoch from finished_at - started_at) * 1000)::double precision end as ms
  from customer_figures_tasks
  where agent_id = $1
), t as (
  select count(stars)::int as ratings, coalesce(sum(stars), 0)::int as stars_total,
         (count(*) filter (where outcome = 'completed'))::int as completed,
         (count(*) filter (where outcome = 'failed'))::int as failed,
         count(ms)::int as timed,
         percentile_cont(0.5) within group (order by ms) as p50,
         percentile_cont(0.95) within group (order by ms) as p95
  from tasks
), s as (
  select (count(*) filter (where renewed or ended))::int as decided, (count(*) filter (where renewed))::int as renewed
  from customer_figures_subscriptions
  where agent_id = $1
)
insert into customer_figures_agents as a (agent_id, ratings, stars_total, tasks_completed, tasks_failed, timed_tasks,
  response_p50_ms, response_p95_ms, subscriptions_decided, subscriptions_renewed, updated_at)
select $1, t.ratings, t.stars_total, t.completed, t.failed, t.timed, t.p50, t.p95, s.decided, s.renewed, now()
from t, s
on conflict (agent_id) do update
  set ratings = excluded.ratings, stars_total = excluded.stars_total, tasks_completed = excluded.tasks_completed,
      tasks_failed = excluded.tasks_failed, timed_tasks = excluded.timed_tasks, response_p50_ms = excluded.response_p50_ms,
      response_p95_ms = excluded.response_p95_ms, subscriptions_decided = excluded.subscriptions_decided,
      subscriptions_renewed = excluded.subscriptions_renewed, updated_at = excluded.updated_at
