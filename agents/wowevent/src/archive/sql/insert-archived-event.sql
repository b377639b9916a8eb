insert into event_archive (
  event_time, event_id, event_type, source, subject, trace_id, span_id, caused_by, correlation_id,
  envelope, data, data_truncated
)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12)
on conflict (event_time, event_id) do nothing
