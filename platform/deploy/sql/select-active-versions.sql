select agent_id, tree_hash from agent_versions where state = 'Active' order by agent_id
