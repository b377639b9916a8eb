-- The files agents returned for tasks, kept per organisation for ever (trial included). They
-- arrive in customer.task.completed and are written with the task's move to done, in one
-- transaction: a task is done with all its deliverables or not done at all.
create table customer_deliverables (
  task_id uuid not null references customer_tasks (id) on delete cascade,
  name text not null check (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'),
  media_type text not null,
  bytes bytea not null,
  size integer not null,
  primary key (task_id, name)
);
