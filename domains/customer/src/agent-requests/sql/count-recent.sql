-- How many requests the organisation sent since $2: a bound on how many issues it can open.
select count(*)::int as n from customer_agent_requests where organisation_id = $1 and created_at >= $2
