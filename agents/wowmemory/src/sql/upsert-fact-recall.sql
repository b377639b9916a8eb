-- Input: $1 owner_kind, $2 owner, $3 key, $4 the fact's text as recall reads it, $5 now.
-- Output: id of the entry.
-- The fact's recall entry, written anew after the old one was deleted (and with it any
-- embedding, which was of the old text).
insert into memory_recall (owner_kind, owner, fact_key, text, at) values ($1, $2, $3, $4, $5)
returning id
