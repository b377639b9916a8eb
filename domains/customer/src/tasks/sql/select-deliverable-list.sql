-- The deliverables of tasks $1 (uuid[]), without their bytes.
select task_id::text, name, media_type, size from customer_deliverables where task_id = any($1::uuid[]) order by task_id, name
