insert into agents (id, name, version, description, manifest, updated_at)
values ($1, $2, $3, $4, $5, now())
on conflict (id) do update set name = excluded.name, version = excluded.version,
  description = excluded.description, manifest = excluded.manifest, updated_at = now()
