-- The organisation's latest text deliverables from this agent, each only its first bytes
-- (decoded and cut to an excerpt by the caller): $1 organisation, $2 agent, $3 how many,
-- $4 how many bytes of each. customer_task_history is the customer domain's view of done tasks.
select task_id::text, task_type, name, substring(bytes from 1 for $4) as head
from customer_task_history
where organisation_id = $1 and agent_id = $2
  and (media_type like 'text/%' or media_type like 'application/json%')
order by finished_at desc, task_id, name
limit $3
