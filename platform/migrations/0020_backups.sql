-- The good backups of this database (`wow db backup` and the scheduled ones): where each
-- file is and what it held. The age of the newest is a metric; retention deletes the
-- scheduled ones it no longer keeps, file and row together.
create table backups (
  id bigserial primary key,
  file text not null,
  kind text not null check (kind in ('postgres', 'embedded')),
  scheduled boolean not null,
  started_at timestamptz not null,
  finished_at timestamptz not null,
  bytes bigint not null,
  sha256 text not null,
  tables integer not null,
  row_count bigint not null
);
create index backups_finished_at on backups (finished_at desc);
