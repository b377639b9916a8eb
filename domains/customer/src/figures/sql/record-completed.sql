-- $1 task, $2 agent, $3 task type, $4 the event's time, $5 summary: the first completion is final.
insert into customer_figures_tasks (task_id, agent_id, task_type, outcome, finished_at, summary)
values ($1, $2, $3, 'completed', $4, $5)
on conflict (task_id) do update
  set task_type = excluded.task_type, outcome = 'completed', finished_at = excluded.finished_at, summary = excluded.summary
  where customer_figures_tasks.agent_id = excluded.agent_id and customer_figures_tasks.outcome is distinct from 'completed'
