select agent_id from support_customer_agents where customer_id = $1 order by agent_id
