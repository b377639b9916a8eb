-- $1 task, $2 agent, $3 the event's time: a task that has an outcome keeps it.
insert into customer_figures_tasks (task_id, agent_id, outcome, finished_at) values ($1, $2, 'failed', $3)
on conflict (task_id) do update
  set outcome = 'failed', finished_at = excluded.finished_at
  where customer_figures_tasks.agent_id = excluded.agent_id and customer_figures_tasks.outcome is null
