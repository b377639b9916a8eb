-- A member's 1–5 rating of a done task; one per task, the last one counts.
create table customer_task_ratings (
  task_id uuid primary key references customer_tasks (id) on delete cascade,
  stars smallint not null check (stars between 1 and 5),
  rated_at timestamptz not null default now()
);
