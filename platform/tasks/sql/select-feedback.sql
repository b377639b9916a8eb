-- The organisation's latest ratings of this agent's tasks: $1 organisation, $2 agent, $3 how many.
select task_id::text, stars
from customer_task_feedback
where organisation_id = $1 and agent_id = $2
order by rated_at desc, task_id
limit $3
