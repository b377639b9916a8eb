-- The organisation's ROI settings and recorded revenue count as changes of what its
-- dashboard shows, as its tasks and ratings do (0100): the dashboard keeps what it read of
-- an organisation while this version stands. A change of the hourly cost also computes the
-- work snapshot again, once; it changes seldom.
-- Security definer (the search path as migrated): agents write these rows under roles of their
-- own, which may touch their tables but not the version; the version follows whoever writes.
-- Not for an organisation being deleted: its rows go with it, and so does its version.
create or replace function customer_work_changed(org uuid) returns void language sql
  security definer set search_path from current as $$
  insert into customer_work_versions (organisation_id, version)
  select org, 1 where exists (select 1 from commerce_organisations where id = org)
  on conflict (organisation_id) do update set version = customer_work_versions.version + 1
$$;

create function customer_roi_changed() returns trigger language plpgsql
  security definer set search_path from current as $$
begin
  if tg_op <> 'DELETE' then perform customer_work_changed(new.organisation_id); end if;
  if tg_op <> 'INSERT' then perform customer_work_changed(old.organisation_id); end if;
  return null;
end
$$;

create trigger customer_roi_settings_changed after insert or update or delete on customer_roi_settings
  for each row execute function customer_roi_changed();
create trigger customer_revenue_impacts_changed after insert or update or delete on customer_revenue_impacts
  for each row execute function customer_roi_changed();
