update support_ticket_issues set issue_number = $2 where ticket_id = $1
