-- Input: $1 the embedding model, $2 how many. Output: slug, title, body, version (the
-- article's updated_at as text): articles with no embedding by that model of their current
-- text, oldest change first. Only where kb_search_features lists vector.
select a.slug, a.title, a.body, a.updated_at::text as version
from kb_articles a
left join kb_article_embeddings e using (slug)
where e.slug is null or e.model <> $1 or e.updated_at < a.updated_at
order by a.updated_at, a.slug
limit $2
