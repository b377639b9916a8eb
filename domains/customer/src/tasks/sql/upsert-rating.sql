-- A rating of task $1; a new one replaces the last.
insert into customer_task_ratings (task_id, stars, rated_at) values ($1, $2, $3)
on conflict (task_id) do update set stars = excluded.stars, rated_at = excluded.rated_at
