select extract(epoch from max(finished_at))::float8 as finished from backups
