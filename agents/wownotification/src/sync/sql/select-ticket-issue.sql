select i.owner, i.repo, i.issue_number, t.sync_paused_at as paused_at, t.sync_paused_reason as paused_reason
from support_ticket_issues i join support_tickets t on t.id = i.ticket_id
where i.ticket_id = $1
