-- One deliverable ($2 its name) of task $1, only when the task is organisation $3's.
select d.media_type, d.bytes
from customer_deliverables d
join customer_tasks t on t.id = d.task_id
where d.task_id = $1 and d.name = $2 and t.organisation_id = $3
