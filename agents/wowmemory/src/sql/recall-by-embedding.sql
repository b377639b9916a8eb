-- Input: $1 owner_kind, $2 owner, $3 the query's embedding (pgvector's text form), $4 the
-- model that made it, $5 how many, $6 now.
-- Output: id, source, key, text, at, similarity (cosine, -1..1); nearest first.
-- Only where memory_features lists vector: memory_embeddings exists only then. Vectors of
-- another model are never compared. Expired facts are not recalled.
select r.id, case when r.fact_key is null then 'message' else 'fact' end as source, r.fact_key as key, r.text, r.at,
       memory_cosine_similarity(e.embedding, $3) as similarity
from memory_embeddings e
join memory_recall r on r.id = e.recall_id
left join memory_facts f on f.owner_kind = r.owner_kind and f.owner = r.owner and f.key = r.fact_key
where r.owner_kind = $1 and r.owner = $2 and e.model = $4
  and (r.fact_key is null or f.expires_at is null or f.expires_at > $6)
order by similarity desc, r.id desc
limit $5
