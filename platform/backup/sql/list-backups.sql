-- Newest first; `$1` narrows to the scheduled ones (retention) or not (null: all).
select id, file, kind, scheduled, started_at, finished_at, bytes, sha256, tables, row_count
from backups
where $1::boolean is null or scheduled = $1
order by finished_at desc, id desc
