-- Output: plain, how many customers' webhook secrets are still stored in plain text (rows
-- written before migration 0014, until `wow support secrets seal` moves them).
select count(*)::int as plain from support_customers where webhook_secret is not null
