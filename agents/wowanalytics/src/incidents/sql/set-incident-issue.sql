update support_incidents set issue_number = $2 where id = $1
