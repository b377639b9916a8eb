-- Tables of the agent wowsearch (agents/wowsearch/agent.yml, `stores`). The articles
-- themselves are kb_articles, created with the support desk's tables in
-- domains/support/migrations/0004_support_desk.sql; the search's own tables (kb_lexemes,
-- kb_search_features, kb_article_embeddings) come from 0010_support_kb_search.sql beside
-- this file. Both keep their numbers and bytes: the migrator knows an applied migration by
-- its number and checksum.

-- Where each article `wow kb import` wrote came from, so that importing that source again
-- removes what it no longer holds. An article written by other means has no row here.
create table kb_article_sources (
  slug text primary key references kb_articles (slug) on delete cascade,
  -- The folder or file imported, as its real path, or the name given with --source.
  source text not null,
  -- The article's file, relative to the source.
  path text not null,
  imported_at timestamptz not null default now()
);

create index kb_article_sources_source on kb_article_sources (source);
