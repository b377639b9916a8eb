-- A member's choice, replacing the last; the foreign key refuses anyone who is not a member.
insert into customer_task_notice_choices (organisation_id, user_id, choice, updated_at) values ($1, $2, $3, $4)
on conflict (organisation_id, user_id) do update set choice = excluded.choice, updated_at = excluded.updated_at
