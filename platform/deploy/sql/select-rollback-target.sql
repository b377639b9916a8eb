-- The version Active before the current one: the newest Retired activated earlier.
-- RolledBack versions are skipped, so rolling back twice goes further back, not in a circle.
select tree_hash from agent_versions
where agent_id = $1 and state = 'Retired' and activated_at < $2
order by activated_at desc
limit 1
