-- Published to a bus whose data is gone (its epoch is not $1 any more): publish again.
update outbox set published_at = null, bus_epoch = null, topic = null, entry_id = null
where published_at is not null and bus_epoch <> $1
