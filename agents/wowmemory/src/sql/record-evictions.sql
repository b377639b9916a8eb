-- Input: $1 owner_kind, $2 owner, $3 kind ('fact', 'message'), $4 how many were evicted, $5 now.
insert into memory_evictions (owner_kind, owner, kind, evicted, last_at) values ($1, $2, $3, $4, $5)
on conflict (owner_kind, owner, kind) do update
  set evicted = memory_evictions.evicted + excluded.evicted, last_at = excluded.last_at
