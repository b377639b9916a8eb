-- The knowledge base finds articles despite typos and partial words (pg_trgm) and, where
-- pgvector exists and an embedding model is configured, by meaning too. Neither extension
-- is required: each is created when the server offers it (pg_available_extensions works
-- the same on PostgreSQL and PGlite), and the search's SQL calls only the kb_* functions
-- below, which fall back to "no similar word" when pg_trgm is absent. The features found
-- are listed in kb_search_features.
--
-- Extensions are one per database, so they go to schema public when it exists: created in
-- a schema of their own (a test's), dropping that schema would take them from every other.
-- The functions and the index therefore name the extension's schema, wherever it is, and
-- the search works whatever the search_path.

-- Every word (lexeme) the articles use, and in how many: a question's unknown word is
-- matched against these, and the words most articles use do not pick candidates alone.
create table kb_lexemes (
  lexeme text primary key,
  ndoc integer not null default 0
);

insert into kb_lexemes (lexeme, ndoc) select w, count(*) from kb_articles, unnest(tsvector_to_array(search)) w group by w;

-- Statement triggers with transition tables: a bulk import counts its words once, not
-- once per article. (A trigger with transition tables cannot list columns, so an edit of
-- the intent alone recounts too: it takes off and adds back the same words.)
create function kb_articles_lexemes() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    -- Rows are locked in lexeme order, as the insert below takes them: concurrent writers
    -- of articles sharing words wait for each other instead of deadlocking.
    perform 1 from kb_lexemes where lexeme in (select unnest(tsvector_to_array(search)) from old_rows) order by lexeme for update;
    update kb_lexemes l set ndoc = l.ndoc - g.n
    from (select w, count(*) as n from old_rows, unnest(tsvector_to_array(search)) w group by w) g
    where l.lexeme = g.w;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    insert into kb_lexemes (lexeme, ndoc)
    select w, count(*) from new_rows, unnest(tsvector_to_array(search)) w group by w order by w
    on conflict (lexeme) do update set ndoc = kb_lexemes.ndoc + excluded.ndoc;
  end if;
  return null;
end
$$;

create trigger kb_articles_lexemes_insert after insert on kb_articles
  referencing new table as new_rows for each statement execute function kb_articles_lexemes();
create trigger kb_articles_lexemes_update after update on kb_articles
  referencing old table as old_rows new table as new_rows for each statement execute function kb_articles_lexemes();
create trigger kb_articles_lexemes_delete after delete on kb_articles
  referencing old table as old_rows for each statement execute function kb_articles_lexemes();

-- Articles change rarely and are searched on every ticket: no pending list here either.
alter index kb_articles_search set (fastupdate = off);

create table kb_search_features (
  feature text primary key check (feature in ('trigram', 'vector')),
  -- The schema the extension lives in.
  extension_schema text not null
);

do $migration$
declare
  home text := case when exists (select 1 from pg_namespace where nspname = 'public') then 'public' else current_schema() end;
  ext record;
  trgm text;
  vec text;
begin
  for ext in select * from (values ('pg_trgm'), ('vector')) as e (name) loop
    if not exists (select 1 from pg_extension where extname = ext.name) and exists (select 1 from pg_available_extensions where name = ext.name) then
      begin
        execute format('create extension if not exists %I schema %I', ext.name, home);
      exception
        -- Another schema's migration created it at the same moment: it exists, as wanted.
        when unique_violation or duplicate_object then null;
        -- Not allowed to (a managed server, a role without CREATE): search without it.
        when insufficient_privilege then raise notice 'knowledge base: extension % not created (%); searching without it', ext.name, sqlerrm;
      end;
    end if;
  end loop;
  select n.nspname into trgm from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm';
  select n.nspname into vec from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'vector';

  if trgm is not null then
    -- Plain SQL functions are inlined by the planner, so kb_is_word_like keeps the
    -- trigram index usable: it is `word <% lexeme` (word similarity ≥ 0.6 by default).
    execute format($f$create function kb_word_similarity(word text, lexeme text) returns real language sql stable parallel safe
      as $b$ select %1$I.word_similarity(word, lexeme) $b$$f$, trgm);
    execute format($f$create function kb_is_word_like(word text, lexeme text) returns boolean language sql stable parallel safe
      as $b$ select word operator(%1$I.<%%) lexeme $b$$f$, trgm);
    -- Without fastupdate: words are added rarely and looked up on every question, and a
    -- GIN pending list is scanned linearly by every lookup until a vacuum empties it.
    execute format('create index kb_lexemes_trgm on kb_lexemes using gin (lexeme %I.gin_trgm_ops) with (fastupdate = off)', trgm);
    insert into kb_search_features (feature, extension_schema) values ('trigram', trgm);
  else
    create function kb_word_similarity(word text, lexeme text) returns real language sql immutable parallel safe as $b$ select 0::real $b$;
    create function kb_is_word_like(word text, lexeme text) returns boolean language sql immutable parallel safe as $b$ select false $b$;
  end if;

  if vec is not null then
    -- The dimension depends on the model, so the column has none, and there is no ANN
    -- index (HNSW needs a fixed dimension): nearest articles are found by an exact scan.
    execute format($f$create table kb_article_embeddings (
      slug text primary key references kb_articles (slug) on delete cascade,
      -- The model that embedded it: vectors of another model are never compared.
      model text not null,
      embedding %1$I.vector not null,
      updated_at timestamptz not null default now())$f$, vec);
    execute format($f$create function kb_cosine_similarity(a %1$I.vector, b %1$I.vector) returns float8 language sql immutable parallel safe
      as $b$ select 1 - (a operator(%1$I.<=>) b) $b$$f$, vec);
    insert into kb_search_features (feature, extension_schema) values ('vector', vec);
  end if;
end
$migration$;
