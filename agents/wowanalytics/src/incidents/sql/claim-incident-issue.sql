-- Written before the issue is created; a creation cut off is taken over after two minutes.
update support_incidents set issue_claimed_at = $2
where id = $1 and issue_number is null and (issue_claimed_at is null or issue_claimed_at < $2::timestamptz - interval '2 minutes')
returning id
