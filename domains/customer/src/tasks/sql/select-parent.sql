-- A follow-up's parent ($1) as the organisation ($2) may name it: its agent and state.
select agent_id, state from customer_tasks where id = $1 and organisation_id = $2
