update agent_versions set state = 'Active', reason = null, activated_at = now()
where agent_id = $1 and tree_hash = $2
returning version, commit_sha, manifest
