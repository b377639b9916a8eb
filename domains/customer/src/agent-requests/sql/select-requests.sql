-- An organisation's requests for custom agents, newest first.
select id::text, name, purpose, industry, task, status, issue_number, issue_url, created_at
from customer_agent_requests
where organisation_id = $1
order by created_at desc, id
limit $2
