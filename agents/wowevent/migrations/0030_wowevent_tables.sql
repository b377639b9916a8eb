-- Tables of the agent wowevent (agents/wowevent/agent.yml, `stores`).

-- every event the bus carried, partitioned by day on its time: a day's partition is
-- dropped whole when it passes the retention, which no DELETE of millions of rows matches.
-- The key holds the partition column, as PostgreSQL requires of a partitioned table.
create table if not exists event_archive (
  event_time timestamptz not null,
  event_id text not null,
  event_type text not null,
  source text not null,
  subject text,
  trace_id text not null,
  span_id text not null,
  -- the id of the event whose handling sent this one, when its envelope says (`causedby`)
  caused_by text,
  -- a request's correlation id; null for an announcement
  correlation_id text,
  -- the envelope's other attributes (traceparent, tracestate, partitionkey), signature left out
  envelope jsonb not null,
  -- the data, or a marker with its size and a preview when it is larger than the bound
  data jsonb,
  data_truncated boolean not null default false,
  archived_at timestamptz not null default now(),
  primary key (event_time, event_id)
) partition by range (event_time);

create index if not exists event_archive_type on event_archive (event_type, event_time);
create index if not exists event_archive_source on event_archive (source, event_time);
create index if not exists event_archive_trace on event_archive (trace_id);
create index if not exists event_archive_id on event_archive (event_id);

-- Creates the partitions of today (UTC) and `ahead_days` more, and the default one that
-- holds anything outside them (a sender's clock days off); drops those whose day ended
-- more than `retention_days` ago and deletes as old rows from the default partition.
-- Security definer: WowEvent's role writes rows, and only this function, owned by whoever
-- migrates, may create and drop the archive's partitions.
create or replace function wowevent_maintain_partitions(ahead_days integer, retention_days integer)
returns table (created integer, dropped integer)
language plpgsql
security definer
set search_path from current
as $$
declare
  today date := (now() at time zone 'UTC')::date;
  oldest date := today - retention_days;
  part record;
  made integer := 0;
  gone integer := 0;
  name text;
begin
  if ahead_days < 0 or ahead_days > 31 or retention_days < 1 or retention_days > 3660 then
    raise exception 'ahead_days must be 0..31 and retention_days 1..3660, got % and %', ahead_days, retention_days;
  end if;
  if to_regclass('event_archive_default') is null then
    execute 'create table event_archive_default partition of event_archive default';
  end if;
  for i in 0..ahead_days loop
    name := 'event_archive_p' || to_char(today + i, 'YYYYMMDD');
    if to_regclass(name) is null then
      execute format(
        'create table %I partition of event_archive for values from (%L) to (%L)',
        name,
        ((today + i)::timestamp at time zone 'UTC'),
        ((today + i + 1)::timestamp at time zone 'UTC')
      );
      made := made + 1;
    end if;
  end loop;
  for part in
    select c.relname from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
     where i.inhparent = to_regclass('event_archive') and c.relname ~ '^event_archive_p[0-9]{8}$'
  loop
    if to_date(substr(part.relname, 16), 'YYYYMMDD') < oldest then
      execute format('drop table %I', part.relname);
      gone := gone + 1;
    end if;
  end loop;
  delete from event_archive_default where event_time < (oldest::timestamp at time zone 'UTC');
  return query select made, gone;
end;
$$;

select * from wowevent_maintain_partitions(2, 30);
