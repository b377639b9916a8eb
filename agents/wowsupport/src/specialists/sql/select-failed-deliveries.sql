-- The customer's latest answers that never reached them, with why.
select m.id, m.delivery_error, m.created_at
from support_messages m join support_tickets t on t.id = m.ticket_id
where t.customer_id = $1 and m.direction = 'outbound' and m.delivered_at is null and m.delivery_error is not null
order by m.created_at desc
limit 5
