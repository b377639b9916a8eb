-- A kept delivery is claimed by the retry sending it again (a refresh's, the schedule's, in any
-- runtime) until this time, so that two retries at once never send it twice; cleared when its
-- outcome is recorded.
alter table integration_deliveries add column if not exists retry_claimed_until timestamptz;
