-- Counts one request in the customer's current minute ($2) and returns the count so far.
-- The customer's older windows go in the same statement: one row per customer stays.
with expired as (
  delete from support_rate_limits where customer_id = $1 and window_start < $2
)
insert into support_rate_limits (customer_id, window_start, requests) values ($1, $2, 1)
on conflict (customer_id, window_start) do update set requests = support_rate_limits.requests + 1
returning requests
