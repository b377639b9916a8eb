-- $1 subscription, $2 agent, $3 renewed now, $4 ended now: both only ever turn true.
insert into customer_figures_subscriptions (subscription_id, agent_id, renewed, ended) values ($1, $2, $3, $4)
on conflict (subscription_id) do update
  set renewed = customer_figures_subscriptions.renewed or excluded.renewed,
      ended = customer_figures_subscriptions.ended or excluded.ended
  where customer_figures_subscriptions.agent_id = excluded.agent_id
