-- Input: $1 the question's embedding ('[0.1, …]', pgvector's text form), $2 the model
-- that made it, $3 how many. Output: slug, similarity (cosine, -1..1); nearest first.
-- Only where kb_search_features lists vector: the table exists only then.
select e.slug, kb_cosine_similarity(e.embedding, $1) as similarity
from kb_article_embeddings e
where e.model = $2
order by similarity desc, e.slug
limit $3
