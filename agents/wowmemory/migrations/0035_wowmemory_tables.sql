-- Tables of the agent wowmemory (agents/wowmemory/agent.yml, `stores`): what agents
-- remember through ctx.memory. Every row belongs to one owner: a customer (by slug), shared
-- by the agents doing that customer's work, or an agent (by id), that agent's own.
-- Nothing here references the support desk's tables: a customer's memory is erased by its
-- slug (`wow memory forget`), whatever domain the customer came from.

-- Facts: key → JSON value, with provenance (the agent, the event, the time) and an
-- optional expiry. One value per key and owner: writing it again replaces it.
create table memory_facts (
  owner_kind text not null check (owner_kind in ('customer', 'agent')),
  owner text not null,
  key text not null,
  value jsonb not null,
  -- The value's size as JSON text, bounded by WOWMEMORY_MAX_VALUE_BYTES.
  bytes integer not null,
  -- Provenance: the agent that wrote it and the event it was handling (null in a schedule).
  agent text not null,
  event_id text,
  written_at timestamptz not null default now(),
  expires_at timestamptz,
  primary key (owner_kind, owner, key)
);

-- Eviction takes an owner's oldest first; the sweep takes what has expired.
create index memory_facts_age on memory_facts (owner_kind, owner, written_at);
create index memory_facts_expiry on memory_facts (expires_at) where expires_at is not null;

-- Conversation history, in the order it was appended.
create table memory_messages (
  id bigint generated always as identity primary key,
  owner_kind text not null check (owner_kind in ('customer', 'agent')),
  owner text not null,
  role text not null check (role in ('customer', 'agent', 'human', 'system')),
  text text not null,
  bytes integer not null,
  agent text not null,
  event_id text,
  at timestamptz not null default now()
);

create index memory_messages_owner on memory_messages (owner_kind, owner, id);

-- The recall index: one entry per fact and per message, the text recall searches. It goes
-- with its fact or message (cascade), so nothing is recalled that is no longer remembered.
create table memory_recall (
  id bigint generated always as identity primary key,
  owner_kind text not null check (owner_kind in ('customer', 'agent')),
  owner text not null,
  fact_key text,
  message_id bigint references memory_messages (id) on delete cascade,
  text text not null,
  search tsvector generated always as (to_tsvector('english', text)) stored,
  at timestamptz not null default now(),
  check ((fact_key is null) <> (message_id is null)),
  foreign key (owner_kind, owner, fact_key) references memory_facts (owner_kind, owner, key) on delete cascade
);

create index memory_recall_owner on memory_recall (owner_kind, owner);
create unique index memory_recall_fact on memory_recall (owner_kind, owner, fact_key) where fact_key is not null;
create index memory_recall_search on memory_recall using gin (search);

-- How many entries the size limits evicted, per owner and kind: shown by `wow memory show`
-- and erased with the rest of a customer's memory.
create table memory_evictions (
  owner_kind text not null check (owner_kind in ('customer', 'agent')),
  owner text not null,
  kind text not null check (kind in ('fact', 'message')),
  evicted bigint not null default 0,
  last_at timestamptz not null default now(),
  primary key (owner_kind, owner, kind)
);

-- Which optional extensions the server offered when this migration ran, as the knowledge
-- base detects them (agents/wowsearch, migration 0010): pg_trgm for words resembling a
-- typo, pgvector for recall by meaning. Neither is required.
create table memory_features (
  feature text primary key check (feature in ('trigram', 'vector')),
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
        when unique_violation or duplicate_object then null;
        when insufficient_privilege then raise notice 'memory: extension % not created (%); recalling without it', ext.name, sqlerrm;
      end;
    end if;
  end loop;
  select n.nspname into trgm from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm';
  select n.nspname into vec from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'vector';

  if trgm is not null then
    -- How closely the query's words resemble some stretch of the text (0 to 1).
    execute format($f$create function memory_word_similarity(query text, body text) returns real language sql stable parallel safe
      as $b$ select %1$I.word_similarity(query, body) $b$$f$, trgm);
    insert into memory_features (feature, extension_schema) values ('trigram', trgm);
  else
    create function memory_word_similarity(query text, body text) returns real language sql immutable parallel safe as $b$ select 0::real $b$;
  end if;

  if vec is not null then
    -- The dimension depends on the model, so the column has none and nearest entries are
    -- found by an exact scan of one owner's entries (a few thousand at most: the limits).
    execute format($f$create table memory_embeddings (
      recall_id bigint primary key references memory_recall (id) on delete cascade,
      model text not null,
      embedding %1$I.vector not null)$f$, vec);
    execute format($f$create function memory_cosine_similarity(a %1$I.vector, b %1$I.vector) returns float8 language sql immutable parallel safe
      as $b$ select 1 - (a operator(%1$I.<=>) b) $b$$f$, vec);
    insert into memory_features (feature, extension_schema) values ('vector', vec);
  end if;
end
$migration$;
