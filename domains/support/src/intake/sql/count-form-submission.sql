-- Input: $1 the bucket (a sha256), $2 the start of the current hour.
-- Output: the bucket's count in this hour, this one included.
-- It also sweeps up to 100 rows of past hours, any bucket's, skipping rows another count
-- holds: the table stays small without a timer, and two counts never wait on each other.
with expired as (
  delete from support_form_limits where ctid in (
    select ctid from support_form_limits where window_start < $2 limit 100 for update skip locked
  )
)
insert into support_form_limits (bucket, window_start, submissions) values ($1, $2, 1)
on conflict (bucket, window_start) do update set submissions = support_form_limits.submissions + 1
returning submissions
