-- The reminders due at $1 (now), at most $2: day N begins N-1 days after the start. Day 5
-- only while the trial is active and day 7 has not come (a late sweep sends the later one
-- alone); day 7 up to a day after the end. Neither for a converted trial, nor one sent or
-- claimed by a sweep whose lease still runs.
select t.id, t.organisation_id, c.name as organisation, t.agent_id, t.started_by, t.ends_at, d.day
  from commerce_trials t
  join support_customers c on c.id = t.organisation_id
  cross join (values (5), (7)) as d (day)
 where t.state <> 'converted'
   and t.started_at + make_interval(days => d.day - 1) <= $1
   and (
     (d.day = 5 and t.state = 'active' and $1 < t.started_at + interval '6 days')
     or (d.day = 7 and $1 < t.ends_at + interval '1 day')
   )
   and not exists (
     select 1 from commerce_trial_reminders r
      where r.trial_id = t.id and r.day = d.day and (r.done_at is not null or r.claimed_until > $1)
   )
 order by t.started_at, d.day
 limit $2
