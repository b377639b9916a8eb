-- The transactional outbox: events written in the same transaction as the change they
-- announce; the relay publishes them to the bus and deletes them.
create table outbox (
  id bigint generated always as identity primary key,
  event jsonb not null,
  created_at timestamptz not null default now()
);

-- The inbox of effects already done: `ctx.once(key, effect)` records its key here in the
-- same transaction as the effect's own writes, so a redelivered message repeats nothing.
create table processed_messages (
  scope text not null,
  key text not null,
  result jsonb,
  processed_at timestamptz not null default now(),
  primary key (scope, key)
);
