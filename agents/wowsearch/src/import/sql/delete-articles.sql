-- Input: $1 slugs (text[]). Their embeddings and source rows go with them (on delete cascade).
delete from kb_articles where slug = any ($1::text[])
