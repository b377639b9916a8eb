-- Input: $1 owner_kind, $2 owner, $3 how many messages to keep.
-- Output: id of each message evicted: the oldest beyond the newest $3.
delete from memory_messages m
using (
  select id from memory_messages where owner_kind = $1 and owner = $2 order by id desc offset $3
) doomed
where m.id = doomed.id
returning m.id
