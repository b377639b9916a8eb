-- One task of the organisation ($1 task, $2 organisation), with its rating.
select t.id::text, t.agent_id, t.task_type, t.state, t.input, t.parent_task_id::text, t.reason_code, t.reason,
       t.question, t.summary, t.model, t.created_at, t.started_at, t.finished_at, r.stars
from customer_tasks t
left join customer_task_ratings r on r.task_id = t.id
where t.id = $1 and t.organisation_id = $2
