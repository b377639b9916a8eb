-- Input: $1 owner_kind, $2 owner, $3 how many facts to keep.
-- Output: key of each fact evicted: the oldest written beyond the newest $3.
delete from memory_facts f
using (
  select key from memory_facts where owner_kind = $1 and owner = $2
  order by written_at desc, key desc offset $3
) doomed
where f.owner_kind = $1 and f.owner = $2 and f.key = doomed.key
returning f.key
