update agent_versions set state = $2, reason = $3
where agent_id = $1 and state = 'Active'
returning tree_hash
