-- One runtime judges an incident at a time; another finds it judged less than $3 seconds ago
-- (half the check's interval, at most 30 seconds).
update support_incidents set checked_at = $2
where id = $1 and closed_at is null
  and (checked_at is null or checked_at <= $2::timestamptz - make_interval(secs => $3::double precision))
returning id
