select agent_id, tree_hash, commit_sha, manifest, files from agent_versions
where agent_id = $1 and tree_hash = $2
