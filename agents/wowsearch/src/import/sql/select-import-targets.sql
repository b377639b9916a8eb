-- Input: $1 the slugs being imported (text[]), $2 the source. Output: slug, title, intent,
-- body, source (null: written by anything but an import, e.g. a test), path: each article
-- the import writes over, and each the source imported before.
select a.slug, a.title, a.intent, a.body, s.source, s.path
from kb_articles a
left join kb_article_sources s using (slug)
where a.slug = any ($1::text[]) or s.source = $2
order by a.slug
