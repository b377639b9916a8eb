-- Input: $1 owner_kind, $2 owner, $3 key, $4 value (JSON text), $5 bytes, $6 agent,
-- $7 event_id, $8 now, $9 expires_at (null: no expiry).
-- Writing a key again replaces its value, its provenance and its expiry, and makes it the
-- newest (eviction takes the oldest written first).
insert into memory_facts (owner_kind, owner, key, value, bytes, agent, event_id, written_at, expires_at)
values ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9)
on conflict (owner_kind, owner, key) do update
  set value = excluded.value, bytes = excluded.bytes, agent = excluded.agent, event_id = excluded.event_id,
      written_at = excluded.written_at, expires_at = excluded.expires_at
