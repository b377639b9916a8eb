-- A version per customer of its tickets as its pages list them (the tickets, and their SLA
-- clocks as stored). Any change to those rows bumps it (the triggers below, whoever writes:
-- the desk, the sweep, a webhook, a sync), so a page may keep a list it read while the
-- version stands; the SLA states it shows are judged again at each view from the clocks.
create table support_ticket_versions (
  customer_id uuid primary key references support_customers (id) on delete cascade,
  version bigint not null
);

-- Security definer (the search path as migrated): agents write these rows under roles of their
-- own, which may touch their tables but not the version; the version follows whoever writes.
-- Not for a customer being deleted (its version goes with it), nor a ticket without one.
create function support_tickets_changed_for(customer uuid) returns void language sql
  security definer set search_path from current as $$
  insert into support_ticket_versions (customer_id, version)
  select customer, 1 where exists (select 1 from support_customers where id = customer)
  on conflict (customer_id) do update set version = support_ticket_versions.version + 1
$$;

create function support_ticket_row_changed() returns trigger language plpgsql
  security definer set search_path from current as $$
begin
  if tg_op <> 'DELETE' and new.customer_id is not null then perform support_tickets_changed_for(new.customer_id); end if;
  if tg_op <> 'INSERT' and old.customer_id is not null and (tg_op = 'DELETE' or old.customer_id is distinct from new.customer_id) then
    perform support_tickets_changed_for(old.customer_id);
  end if;
  return null;
end
$$;

create function support_sla_clock_changed() returns trigger language plpgsql
  security definer set search_path from current as $$
begin
  perform support_tickets_changed_for(t.customer_id)
    from support_tickets t where t.id = coalesce(new.ticket_id, old.ticket_id) and t.customer_id is not null;
  return null;
end
$$;

create trigger support_tickets_version after insert or update or delete on support_tickets
  for each row execute function support_ticket_row_changed();
create trigger support_sla_clocks_version after insert or update or delete on support_sla_clocks
  for each row execute function support_sla_clock_changed();
