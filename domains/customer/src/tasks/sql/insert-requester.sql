-- The member who sent a new task, whom its notices reach by default.
insert into customer_task_requesters (task_id, organisation_id, user_id) values ($1, $2, $3)
