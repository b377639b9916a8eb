-- Oldest first; rows another relay is publishing are skipped, not waited for.
select id, event from outbox where published_at is null order by id limit $1 for update skip locked
