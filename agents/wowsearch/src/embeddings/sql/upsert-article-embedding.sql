-- Input: $1 slug, $2 model, $3 the embedding in pgvector's text form ('[0.1, …]'), $4 the
-- article's updated_at (as text) when its text was read for the model, or null: as it is now.
-- updated_at records the version of the article embedded. An article edited since it was
-- read is not written here: its embedding stays stale, and the next run embeds the new text.
-- Only where kb_search_features lists vector: the table exists only then.
insert into kb_article_embeddings (slug, model, embedding, updated_at)
select a.slug, $2, $3, a.updated_at
from kb_articles a
where a.slug = $1 and a.updated_at = coalesce($4::timestamptz, a.updated_at)
on conflict (slug) do update set model = excluded.model, embedding = excluded.embedding, updated_at = excluded.updated_at
