-- Takes the key for this transaction; a concurrent run with the same key waits here on
-- the primary key until this one commits or rolls back.
insert into processed_messages (scope, key) values ($1, $2) on conflict do nothing
