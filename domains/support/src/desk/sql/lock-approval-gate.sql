-- The ticket's tier, its row locked for the transaction: a draft or a tier change that
-- arrives meanwhile waits until a command from the issue has been judged and done.
select tier from support_tickets where id = $1 for update
