-- Published to the bus as it is now: the oldest $2 of each topic, the ones to ask about.
-- Per topic, so that a topic whose events wait for a slow group does not hide the others.
select o.id, o.topic, o.entry_id, o.age
from (select distinct topic from outbox where published_at is not null and bus_epoch = $1) t
cross join lateral (
  select id, topic, entry_id, extract(epoch from now() - published_at)::float8 as age from outbox
  where published_at is not null and bus_epoch = $1 and topic = t.topic
  order by id limit $2
) o
