-- The agent's active credential of a kind (expired or not: the caller reads expires_at).
select id, jti, kind, agent_id, tree_hash, jwt, kid, capabilities, withheld, issued_at, expires_at, status, superseded_at, issued_by
from identity_credentials
where agent_id = $1 and kind = $2 and status = 'active'
