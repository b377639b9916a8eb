-- A version per organisation of what its pages show of its account: its billing time zone,
-- trials, subscriptions and invoices (their lines and payments). Any change to those rows
-- bumps it (the triggers below, whoever writes: a page, a job, `wow billing`, a webhook), so a
-- page may keep what it read while the version stands and read again only after a change.
create table commerce_account_versions (
  organisation_id uuid primary key references commerce_organisations (id) on delete cascade,
  version bigint not null
);

-- Security definer (the search path as migrated): agents write these rows under roles of their
-- own, which may touch their tables but not the version; the version follows whoever writes.
-- Not for an organisation being deleted: its rows go with it, and so does its version.
create function commerce_account_changed(org uuid) returns void language sql
  security definer set search_path from current as $$
  insert into commerce_account_versions (organisation_id, version)
  select org, 1 where exists (select 1 from commerce_organisations where id = org)
  on conflict (organisation_id) do update set version = commerce_account_versions.version + 1
$$;

-- Rows that carry their organisation.
create function commerce_account_row_changed() returns trigger language plpgsql
  security definer set search_path from current as $$
begin
  if tg_op <> 'DELETE' then perform commerce_account_changed(new.organisation_id); end if;
  if tg_op <> 'INSERT' then perform commerce_account_changed(old.organisation_id); end if;
  return null;
end
$$;

-- Rows of an invoice: its organisation is the invoice's (deleted with it, the invoice's own
-- trigger has counted the change).
create function commerce_invoice_part_changed() returns trigger language plpgsql
  security definer set search_path from current as $$
begin
  perform commerce_account_changed(i.organisation_id)
    from commerce_invoices i where i.id = coalesce(new.invoice_id, old.invoice_id);
  return null;
end
$$;

create trigger commerce_billing_accounts_changed after insert or update or delete on commerce_billing_accounts
  for each row execute function commerce_account_row_changed();
create trigger commerce_trials_changed after insert or update or delete on commerce_trials
  for each row execute function commerce_account_row_changed();
create trigger commerce_subscriptions_changed after insert or update or delete on commerce_subscriptions
  for each row execute function commerce_account_row_changed();
create trigger commerce_invoices_changed after insert or update or delete on commerce_invoices
  for each row execute function commerce_account_row_changed();
create trigger commerce_invoice_lines_changed after insert or update or delete on commerce_invoice_lines
  for each row execute function commerce_invoice_part_changed();
create trigger commerce_payments_changed after insert or update or delete on commerce_payments
  for each row execute function commerce_invoice_part_changed();
