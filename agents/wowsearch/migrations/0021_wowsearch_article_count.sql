-- How many articles there are, kept by statement triggers: the search weighs each word by
-- how rare it is among all articles (its inverse document frequency), on every question,
-- and counting 100,000 articles each time would cost more than the rest of the search.
create table kb_article_count (
  -- One row only.
  id boolean primary key default true check (id),
  n bigint not null check (n >= 0)
);

insert into kb_article_count (n) select count(*) from kb_articles;

create function kb_article_count_change() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    update kb_article_count set n = n + (select count(*) from new_rows);
  else
    update kb_article_count set n = n - (select count(*) from old_rows);
  end if;
  return null;
end
$$;

create trigger kb_article_count_insert after insert on kb_articles
  referencing new table as new_rows for each statement execute function kb_article_count_change();
create trigger kb_article_count_delete after delete on kb_articles
  referencing old table as old_rows for each statement execute function kb_article_count_change();
