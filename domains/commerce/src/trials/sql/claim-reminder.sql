-- Claims a reminder for one sweep until $3: a new row, or a row whose earlier claim ran out
-- ($4 = now) unsent. A sweep racing this one waits on the key, then finds the claim live
-- and gets no row back: it does not mail.
insert into commerce_trial_reminders (trial_id, day, claimed_until)
values ($1, $2, $3)
on conflict (trial_id, day) do update
   set claimed_until = excluded.claimed_until
 where commerce_trial_reminders.done_at is null
   and commerce_trial_reminders.claimed_until <= $4
returning trial_id
