-- The organisation's answers to a trial's questionnaire: those given when trying this agent,
-- else the latest given for another.
select industry, goals, audience, tone, good_result
from customer_business_context
where organisation_id = $1
order by (agent_id = $2) desc, started_at desc
limit 1
