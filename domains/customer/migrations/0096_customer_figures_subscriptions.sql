-- An agent's retention comes from its subscriptions (commerce.subscription.changed): one row
-- each, with whether it was ever renewed and whether it ended. Both only turn true, so the
-- events' order and redeliveries do not matter.
create table customer_figures_subscriptions (
  subscription_id uuid primary key,
  agent_id text not null,
  renewed boolean not null default false,
  ended boolean not null default false
);

create index customer_figures_subscriptions_agent on customer_figures_subscriptions (agent_id);
