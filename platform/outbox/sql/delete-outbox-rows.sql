-- $1 rows every group has handled; and any published row older than the retention ($2
-- seconds), which a consumer group that no agent reads any more would otherwise keep.
delete from outbox
where id = any($1::bigint[])
  or (published_at is not null and published_at < now() - make_interval(secs => $2))
