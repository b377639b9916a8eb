select tree_hash, version, commit_sha, activated_at from agent_versions
where agent_id = $1 and state = 'Active'
