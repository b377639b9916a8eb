-- The organisation's latest tasks ($1), in one state or all ($2 null), at most $3.
select t.id::text, t.agent_id, t.task_type, t.state, t.input, t.parent_task_id::text, t.reason_code, t.reason,
       t.question, t.summary, t.model, t.created_at, t.started_at, t.finished_at, r.stars
from customer_tasks t
left join customer_task_ratings r on r.task_id = t.id
where t.organisation_id = $1 and ($2::text is null or t.state = $2)
order by t.created_at desc, t.id
limit $3
