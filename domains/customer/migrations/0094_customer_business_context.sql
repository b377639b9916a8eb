-- What the task runner (platform/tasks) reads as an organisation's business: the answers to
-- a trial's questionnaire (commerce). A view, so the runner names no commerce table.
create view customer_business_context as
select organisation_id, agent_id, started_at, industry, goals, audience, tone, good_result
from commerce_trials;
