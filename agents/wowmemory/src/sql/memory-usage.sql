-- Input: $1 owner_kind, $2 owner.
-- Output: one row: facts, fact_bytes, messages, message_bytes, recall, embeddings (null
-- without pgvector's table), evicted_facts, evicted_messages, oldest, newest.
select
  (select count(*) from memory_facts where owner_kind = $1 and owner = $2)::int as facts,
  (select coalesce(sum(bytes), 0) from memory_facts where owner_kind = $1 and owner = $2)::int as fact_bytes,
  (select count(*) from memory_messages where owner_kind = $1 and owner = $2)::int as messages,
  (select coalesce(sum(bytes), 0) from memory_messages where owner_kind = $1 and owner = $2)::int as message_bytes,
  (select count(*) from memory_recall where owner_kind = $1 and owner = $2)::int as recall,
  (select coalesce(sum(evicted), 0) from memory_evictions where owner_kind = $1 and owner = $2 and kind = 'fact')::int as evicted_facts,
  (select coalesce(sum(evicted), 0) from memory_evictions where owner_kind = $1 and owner = $2 and kind = 'message')::int as evicted_messages,
  least(
    (select min(written_at) from memory_facts where owner_kind = $1 and owner = $2),
    (select min(at) from memory_messages where owner_kind = $1 and owner = $2)
  ) as oldest,
  greatest(
    (select max(written_at) from memory_facts where owner_kind = $1 and owner = $2),
    (select max(at) from memory_messages where owner_kind = $1 and owner = $2)
  ) as newest
