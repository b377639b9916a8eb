-- Every schema that is not PostgreSQL's own: what a forced restore replaces.
select nspname as name
from pg_namespace
where nspname not in ('pg_catalog', 'information_schema')
  and nspname not like 'pg\_%'
order by 1
