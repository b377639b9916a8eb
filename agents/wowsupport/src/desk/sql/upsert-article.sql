insert into kb_articles (slug, title, body, intent, updated_at) values ($1, $2, $3, $4, now())
on conflict (slug) do update set title = excluded.title, body = excluded.body, intent = excluded.intent, updated_at = now()
