-- An Idempotency-Key is honoured for a day, as payment APIs do; a retry later is a new request.
with gone as (delete from support_idempotency where created_at < $1::timestamptz - interval '24 hours' returning 1)
select count(*)::int as n from gone
