-- Why an answer did not reach the customer, in terms they may be told: set only when the
-- cause is at their end ({"kind":"status","status":500} when their webhook answered an
-- error status, {"kind":"unreachable","reason":"refused"|"dns"|"timeout"|"reset"|"tls"|"other"}
-- when it could not be reached), null when it is ours. delivery_error keeps our own
-- words for the team; it never goes to a customer, since it names codes, settings and
-- what else went wrong inside.
alter table support_messages add column customer_delivery_failure jsonb;
