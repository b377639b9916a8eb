update agent_versions set state = 'Failed', reason = $3
where agent_id = $1 and tree_hash = $2 and state = 'Draft'
