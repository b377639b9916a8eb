insert into support_customer_agents (customer_id, agent_id) values ($1, $2) on conflict do nothing
