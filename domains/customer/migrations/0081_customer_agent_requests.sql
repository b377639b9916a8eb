-- Organisations' requests for an agent the marketplace lacks (issue 22's custom domain
-- agents). A request is written in the same transaction as its customer.agent.requested in
-- the outbox; WowAgentFactory opens a New-agent questionnaire issue from it, and the issue's
-- number and address come back on factory.custom_request.opened. Once that issue's agent is
-- merged and deployed, it is private to the organisation (its manifest's catalog.privateTo).
create table customer_agent_requests (
  id uuid primary key,
  organisation_id uuid not null references commerce_organisations (id) on delete cascade,
  requested_by uuid references commerce_users (id) on delete set null,
  name text not null,
  purpose text not null,
  industry text,
  -- The one task the customer described: title, what they send, what they get, minutes saved.
  task jsonb not null,
  status text not null default 'requested' check (status in ('requested', 'issue-opened')),
  issue_number integer,
  issue_url text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create index customer_agent_requests_organisation on customer_agent_requests (organisation_id, created_at desc);
