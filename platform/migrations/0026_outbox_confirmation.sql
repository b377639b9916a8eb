-- The outbox keeps a published event until every consumer group of its topic has handled
-- it, so that a bus that loses its data (Redis flushed, or restarted without persistence)
-- gets it again: docs/durability.md.
--   published_at  when the relay published it; null until then, and again once the bus it
--                 went to is found to have lost it
--   bus_epoch     the bus's epoch at publishing: a bus with another epoch no longer holds it
--   topic, entry_id  where it went, to ask the bus whether every group has handled it
alter table outbox
  add column published_at timestamptz,
  add column bus_epoch text,
  add column topic text,
  add column entry_id text;

create index outbox_unpublished on outbox (id) where published_at is null;
create index outbox_published on outbox (topic, id) where published_at is not null;
