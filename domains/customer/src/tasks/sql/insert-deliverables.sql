-- A done task's deliverables ($1 the task; names, media types, bytes as arrays).
insert into customer_deliverables (task_id, name, media_type, bytes, size)
select $1, d.name, d.media_type, d.bytes, length(d.bytes)
from unnest($2::text[], $3::text[], $4::bytea[]) as d (name, media_type, bytes)
