insert into support_settings (name, value, updated_by) values ($1, $2, $3)
on conflict (name) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = now()
