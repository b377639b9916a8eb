-- A new request for a custom agent, waiting for its questionnaire issue.
insert into customer_agent_requests (id, organisation_id, requested_by, name, purpose, industry, task, created_at, updated_at)
values ($1, $2, $3, $4, $5, $6, $7, $8, $8)
