-- $1 task, $2 agent, $3 the event's time: the earliest start counts.
insert into customer_figures_tasks (task_id, agent_id, started_at) values ($1, $2, $3)
on conflict (task_id) do update
  set started_at = least(coalesce(customer_figures_tasks.started_at, excluded.started_at), excluded.started_at)
  where customer_figures_tasks.agent_id = excluded.agent_id
