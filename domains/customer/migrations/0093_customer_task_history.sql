-- What the task runner (platform/tasks) reads to give an agent its organisation's context:
-- done tasks' deliverables, and ratings. Views, so the tables can change behind them; the
-- runner reads them for one organisation and one agent at a time.
create view customer_task_history as
select t.id as task_id, t.organisation_id, t.agent_id, t.task_type, t.finished_at, d.name, d.media_type, d.bytes
from customer_tasks t
join customer_deliverables d on d.task_id = t.id
where t.state = 'done';

create view customer_task_feedback as
select r.task_id, t.organisation_id, t.agent_id, r.stars, r.rated_at
from customer_task_ratings r
join customer_tasks t on t.id = r.task_id;
