-- A customer's tickets, newest first (GET /api/tickets and the customer dashboard): read a
-- page at a time from a (created_at, id) cursor, so the index runs in that order.
create index support_tickets_customer on support_tickets (customer_id, created_at desc, id desc);
