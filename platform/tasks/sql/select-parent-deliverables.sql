-- A follow-up's parent: the deliverables of the organisation's done task $1 ($2 the organisation).
select name, media_type, bytes
from customer_task_history
where task_id = $1 and organisation_id = $2
order by name
