-- Input: $1 slug, $2 model, $3 the embedding in pgvector's text form ('[0.1, …]').
-- Only where kb_search_features lists vector: the table exists only then.
insert into kb_article_embeddings (slug, model, embedding, updated_at) values ($1, $2, $3, now())
on conflict (slug) do update set model = excluded.model, embedding = excluded.embedding, updated_at = now()
