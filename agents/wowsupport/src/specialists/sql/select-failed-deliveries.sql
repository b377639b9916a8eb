-- The customer's latest answers that never reached them, newest first: why, in our words
-- (delivery_error, for the team) and in theirs (customer_delivery_failure, null when the
-- cause is ours).
select m.id, m.delivery_error, m.customer_delivery_failure, m.created_at
from support_messages m join support_tickets t on t.id = m.ticket_id
where t.customer_id = $1 and m.direction = 'outbound' and m.delivered_at is null and m.delivery_error is not null
order by m.created_at desc
limit 5
