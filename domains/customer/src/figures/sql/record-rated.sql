-- $1 task, $2 agent, $3 stars, $4 the event's time: the latest rating counts.
insert into customer_figures_tasks (task_id, agent_id, stars, rated_at) values ($1, $2, $3, $4)
on conflict (task_id) do update
  set stars = excluded.stars, rated_at = excluded.rated_at
  where customer_figures_tasks.agent_id = excluded.agent_id
    and (customer_figures_tasks.rated_at is null or excluded.rated_at >= customer_figures_tasks.rated_at)
