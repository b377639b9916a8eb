-- A version deployed before (rolled back, retired or failed) becomes a Draft again.
insert into agent_versions (agent_id, tree_hash, version, commit_sha, manifest, files, state)
values ($1, $2, $3, $4, $5, $6, 'Draft')
on conflict (agent_id, tree_hash) do update set state = 'Draft', reason = null,
  version = excluded.version, commit_sha = excluded.commit_sha, manifest = excluded.manifest
