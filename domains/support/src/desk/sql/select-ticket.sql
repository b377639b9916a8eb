select id, subject, status, priority, tier, topic, assignee, customer_id, channel, requester_email, requester_name, follows_ticket_id, created_at
from support_tickets where id = $1
