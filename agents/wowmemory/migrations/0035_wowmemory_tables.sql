-- Tables of the agent wowmemory (agents/wowmemory/agent.yml, `stores`).

-- facts per customer or agent: key, JSON value, provenance, expiry
create table if not exists memory_facts (
  event_id text primary key,
  event_type text not null,
  subject text,
  data jsonb,
  recorded_at timestamptz not null default now()
);

-- conversation history per customer or agent: role, text, provenance
create table if not exists memory_messages (
  event_id text primary key,
  event_type text not null,
  subject text,
  data jsonb,
  recorded_at timestamptz not null default now()
);

-- the recall index: the text of each fact and message, searchable by words
create table if not exists memory_recall (
  event_id text primary key,
  event_type text not null,
  subject text,
  data jsonb,
  recorded_at timestamptz not null default now()
);

-- how many entries the size limits evicted, per owner and kind
create table if not exists memory_evictions (
  event_id text primary key,
  event_type text not null,
  subject text,
  data jsonb,
  recorded_at timestamptz not null default now()
);

-- which optional extensions the server offered: pg_trgm, pgvector
create table if not exists memory_features (
  event_id text primary key,
  event_type text not null,
  subject text,
  data jsonb,
  recorded_at timestamptz not null default now()
);

-- each recall entry's embedding, where pgvector exists
create table if not exists memory_embeddings (
  event_id text primary key,
  event_type text not null,
  subject text,
  data jsonb,
  recorded_at timestamptz not null default now()
);
