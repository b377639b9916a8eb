select ticket_id from support_ticket_issues where owner = $1 and repo = $2 and issue_number = $3
