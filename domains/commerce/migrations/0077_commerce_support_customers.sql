-- The ticket API's customers become organisations: every support customer there is now has
-- its organisation (with no members yet: `wow accounts invite` gives it an owner), and every
-- customer added later gets one in the same statement, however it is added (the sign-up,
-- `wow support customers add`), so the two can never drift apart.
insert into commerce_organisations (id, created_at)
select id, created_at from support_customers
on conflict (id) do nothing;

create function commerce_organisation_for_customer() returns trigger language plpgsql as $$
begin
  insert into commerce_organisations (id, created_at) values (new.id, new.created_at) on conflict (id) do nothing;
  return new;
end;
$$;

create trigger commerce_organisation_for_customer
after insert on support_customers
for each row execute function commerce_organisation_for_customer();
