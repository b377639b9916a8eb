-- One comment a minute at most on a burst's issue, whichever runtime asks first.
update security_incidents
set commented_at = $2
where id = $1 and issue_number is not null and (commented_at is null or commented_at <= $2::timestamptz - interval '60 seconds')
returning issue_number
