-- Input: $1 slugs, $2 titles, $3 bodies, $4 intents (text[] each): many articles in one statement.
insert into kb_articles (slug, title, body, intent)
select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])
on conflict (slug) do nothing
