-- Secrets stored in plain text (rows written before migration 0014), locked until sealed.
select id, webhook_secret from support_customers where webhook_secret is not null order by id for update
