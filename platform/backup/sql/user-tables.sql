-- Every table data lives in: the platform's, the domains' and the agents', in every schema
-- that is not PostgreSQL's own.
select n.nspname as schema, c.relname as name
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p')
  and n.nspname not in ('pg_catalog', 'information_schema')
  and n.nspname not like 'pg\_%'
order by 1, 2
