-- Input: $1 owner_kind, $2 owner, $3 the query, $4 how many, $5 now.
-- Output: id (the recall entry), source ('fact', 'message'), key, text, score, at; best score first.
--
-- The owner's entries that share a word with the query (any of its words: queries are
-- sentences), ranked by ts_rank_cd, plus those whose text holds a stretch resembling the
-- query (pg_trgm's word similarity, 0.6 or more: typos and partial words; never without
-- pg_trgm, where memory_word_similarity is 0). Expired facts are not recalled.
with q as (
  select replace(plainto_tsquery('english', $3)::text, ' & ', ' | ')::tsquery as query
),
scored as (
  select r.id, r.fact_key, r.message_id, r.text, r.at,
         ts_rank_cd(r.search, q.query) as rank,
         memory_word_similarity($3, r.text) as likeness,
         r.search @@ q.query as matches
  from memory_recall r
  cross join q
  left join memory_facts f on f.owner_kind = r.owner_kind and f.owner = r.owner and f.key = r.fact_key
  where r.owner_kind = $1 and r.owner = $2
    and (r.fact_key is null or f.expires_at is null or f.expires_at > $5)
)
select id, case when fact_key is null then 'message' else 'fact' end as source,
       fact_key as key, text, (rank + likeness)::float8 as score, at
from scored
where matches or likeness >= 0.6
order by score desc, at desc
limit $4
