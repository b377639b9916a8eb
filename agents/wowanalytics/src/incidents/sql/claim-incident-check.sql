-- One runtime judges an incident at a time; another finds it judged in the last 30 seconds.
update support_incidents set checked_at = $2
where id = $1 and closed_at is null and (checked_at is null or checked_at <= $2::timestamptz - interval '30 seconds')
returning id
