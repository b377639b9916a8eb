-- Input: $1 slugs (text[]), $2 the source, $3 each article's file in it (text[]).
insert into kb_article_sources (slug, source, path, imported_at)
select s.slug, $2, s.path, now()
from unnest($1::text[], $3::text[]) as s (slug, path)
on conflict (slug) do update set source = excluded.source, path = excluded.path, imported_at = excluded.imported_at
