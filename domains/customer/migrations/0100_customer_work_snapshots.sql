-- The dashboard's figures of an organisation's work (per agent: counts, ratings, response
-- times; per task type; per day) kept as computed, with the version of the organisation's
-- tasks they were computed at. Any change to its tasks or their ratings bumps the version
-- (the triggers below, whoever writes), so a snapshot is used only while nothing it counts
-- has changed: a year of tasks is read once per change, not once per page view.
create table customer_work_versions (
  organisation_id uuid primary key references commerce_organisations (id) on delete cascade,
  version bigint not null
);

create table customer_work_snapshots (
  organisation_id uuid primary key references commerce_organisations (id) on delete cascade,
  version bigint not null,
  -- The days `daily` covers and the zone they are days in: another day or zone is another snapshot.
  days_from date not null,
  days_to date not null,
  time_zone text not null,
  work jsonb not null,
  counts jsonb not null,
  daily jsonb not null,
  computed_at timestamptz not null default now()
);

create function customer_work_changed(org uuid) returns void language sql as $$
  insert into customer_work_versions (organisation_id, version) values (org, 1)
  on conflict (organisation_id) do update set version = customer_work_versions.version + 1
$$;

create function customer_tasks_work_changed() returns trigger language plpgsql as $$
begin
  perform customer_work_changed(new.organisation_id);
  return null;
end
$$;

create trigger customer_tasks_work_changed
  after insert or update of state, started_at, finished_at on customer_tasks
  for each row execute function customer_tasks_work_changed();

create function customer_task_ratings_work_changed() returns trigger language plpgsql as $$
begin
  perform customer_work_changed(t.organisation_id)
    from customer_tasks t where t.id = coalesce(new.task_id, old.task_id);
  return null;
end
$$;

create trigger customer_task_ratings_work_changed
  after insert or update or delete on customer_task_ratings
  for each row execute function customer_task_ratings_work_changed();
