-- $1 ids, $2 the bus's epoch, $3 topics, $4 stream entry ids (the same order as $1).
update outbox
set published_at = now(), bus_epoch = $2, topic = p.topic, entry_id = p.entry_id
from unnest($1::bigint[], $3::text[], $4::text[]) as p (id, topic, entry_id)
where outbox.id = p.id
