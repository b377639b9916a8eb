-- The members a task's outcome is mailed to, at verified addresses only (the view has no
-- others): those who chose every task, and the member who sent it unless they chose
-- otherwise ('mine' when they chose nothing).
select a.user_id, a.email, a.name
from customer_member_addresses a
left join customer_task_notice_choices n on n.organisation_id = a.organisation_id and n.user_id = a.user_id
left join customer_task_requesters r on r.task_id = $2 and r.organisation_id = a.organisation_id
where a.organisation_id = $1
  and (coalesce(n.choice, 'mine') = 'all' or (coalesce(n.choice, 'mine') = 'mine' and r.user_id = a.user_id))
order by a.user_id
