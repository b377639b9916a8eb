-- Whether the agent's registered manifest (the agents row its host wrote at start) declares
-- the task type under `tasks:`: $1 the agent, $2 the type.
select coalesce(manifest -> 'tasks' ? $2, false) as declared from agents where id = $1
