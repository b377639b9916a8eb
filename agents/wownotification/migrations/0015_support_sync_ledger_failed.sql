-- A message GitHub refuses for good (422: not even a stand-in saying where to read it) is
-- marked failed with GitHub's answer, so that the ticket's later messages still sync and
-- nobody retries what cannot succeed.
alter table support_sync_ledger drop constraint support_sync_ledger_status_check;
alter table support_sync_ledger add constraint support_sync_ledger_status_check check (status in ('pending', 'done', 'failed'));
alter table support_sync_ledger add column error text;
