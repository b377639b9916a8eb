-- clock_timestamp: the breaker's own note, written just before in the same transaction,
-- is older than the pause and still reaches the issue.
update support_tickets set sync_paused_at = clock_timestamp(), sync_paused_reason = $2
where id = $1 and sync_paused_at is null
returning id
