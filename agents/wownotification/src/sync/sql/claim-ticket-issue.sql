-- Written before the issue is created. A creation left unfinished is taken over once its
-- lease (two minutes) has run out; before that, no row comes back: busy.
insert into support_ticket_issues (ticket_id, owner, repo) values ($1, $2, $3)
on conflict (ticket_id) do update set claimed_at = now()
  where support_ticket_issues.issue_number is null and support_ticket_issues.claimed_at < now() - interval '2 minutes'
returning (xmax = 0) as claimed
