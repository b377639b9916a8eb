select kind, extract(epoch from finished_at)::float8 as finished
from backups
order by finished_at desc, id desc
limit 1
