-- Who hears when an organisation's task completes, fails or needs input (WowNotification
-- mails them). Each member chooses: 'mine' (the tasks they sent; what a member without a row
-- gets), 'all' (every task of the organisation) or 'none'. Leaving the organisation drops the choice.
create table customer_task_notice_choices (
  organisation_id uuid not null,
  user_id uuid not null,
  choice text not null check (choice in ('mine', 'all', 'none')),
  updated_at timestamptz not null default now(),
  primary key (organisation_id, user_id),
  foreign key (organisation_id, user_id) references commerce_memberships (organisation_id, user_id) on delete cascade
);

-- The member who sent a task from a session (an API key's task has none), written with the
-- task. No foreign key to customer_tasks: this migration's number comes before that table's.
create table customer_task_requesters (
  task_id uuid primary key,
  organisation_id uuid not null references commerce_organisations (id) on delete cascade,
  user_id uuid not null references commerce_users (id) on delete cascade
);

-- What a notice needs of the members, and nothing else of their accounts (no password hash):
-- each member's verified address and name. WowNotification reads this view, never the tables.
create view customer_member_addresses as
select m.organisation_id, m.user_id, u.email, u.name
from commerce_memberships m
join commerce_users u on u.id = m.user_id
where u.email_verified_at is not null;
