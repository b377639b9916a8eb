delete from backups where id = any($1::bigint[])
