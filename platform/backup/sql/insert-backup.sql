insert into backups (file, kind, scheduled, started_at, finished_at, bytes, sha256, tables, row_count)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
returning id
