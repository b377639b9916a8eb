-- Input: $1 files (text[], relative to the folder), $2 the source. Deletes the articles this
-- source brought from those files (their embeddings and source rows cascade); returns their slugs.
delete from kb_articles a
using kb_article_sources s
where s.slug = a.slug and s.source = $2 and s.path = any ($1::text[])
returning a.slug
