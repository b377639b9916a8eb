-- The agents with a task in hand now: started within $1 seconds and not yet ended. The
-- bound keeps a task whose end was lost (its agent died mid-task) from showing its agent
-- Working for ever; customer_tasks_open covers the scan.
select distinct agent_id
from customer_tasks
where state = 'working' and started_at > now() - make_interval(secs => $1::double precision)
