-- What agents did through `ctx.platform`, the operator runtime's remedies (platform/agent/
-- grant-platform-actions.ts): who asked (the agent, and the person who approved it), what
-- (the action and the agent acted on), why (the reason and the incident), and how it
-- ended. Refusals are kept too: an agent reaching for a remedy it does not hold is news.
create table platform_actions (
  id bigserial primary key,
  agent_id text not null,
  action text not null check (action in ('redrive', 'rollback', 'roll_forward', 'suspend', 'resume')),
  target text not null,
  reason text not null,
  incident text,
  approved_by text,
  outcome text not null check (outcome in ('done', 'refused', 'failed')),
  detail jsonb not null default '{}',
  at timestamptz not null default now()
);
create index platform_actions_target on platform_actions (target, id);
