-- $4: healthy. A regression resets the count of healthy judgements in a row.
update support_incidents set
  signals = coalesce($2, signals),
  latest_figures = $3,
  healthy_checks = case when $4 then healthy_checks + 1 else 0 end
where id = $1
returning healthy_checks
