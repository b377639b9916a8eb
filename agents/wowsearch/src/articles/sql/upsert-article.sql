-- Input: $1 slugs, $2 titles, $3 bodies, $4 intents (text[], one article per position).
-- One statement for any number of articles: kb_lexemes' statement triggers (migration 0010)
-- then count an import's words once. An article whose title, body and intent are what they
-- were is not written, so its updated_at (which the embeddings compare against) stays.
insert into kb_articles (slug, title, body, intent, updated_at)
select a.slug, a.title, a.body, a.intent, now()
from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as a (slug, title, body, intent)
order by a.slug
on conflict (slug) do update set title = excluded.title, body = excluded.body, intent = excluded.intent, updated_at = now()
where (kb_articles.title, kb_articles.body, kb_articles.intent) is distinct from (excluded.title, excluded.body, excluded.intent)
