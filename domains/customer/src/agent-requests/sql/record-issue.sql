-- The questionnaire issue the Factory opened for a request; a redelivered event changes nothing.
update customer_agent_requests
set status = 'issue-opened', issue_number = $2, issue_url = $3, updated_at = $4
where id = $1 and status = 'requested'
