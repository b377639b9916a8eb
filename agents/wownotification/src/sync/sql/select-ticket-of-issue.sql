-- Names compared in lower case, as GitHub compares them (the index is on the lower-case names).
select ticket_id from support_ticket_issues where lower(owner) = lower($1) and lower(repo) = lower($2) and issue_number = $3
