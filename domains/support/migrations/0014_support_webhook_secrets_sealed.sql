-- Customers' webhook secrets at rest: sealed with AES-256-GCM under SUPPORT_SECRETS_KEY,
-- with the id of the key that sealed each one beside it, so that a later key can be
-- rolled out row by row. webhook_secret (plain text) is only ever a row written before
-- this migration: `wow support secrets seal` moves those into the sealed columns.
alter table support_customers
  add column webhook_secret_key_id text,
  add column webhook_secret_sealed bytea,
  add constraint support_customers_secret_sealed_whole check ((webhook_secret_key_id is null) = (webhook_secret_sealed is null)),
  add constraint support_customers_secret_once check (webhook_secret is null or webhook_secret_sealed is null);
