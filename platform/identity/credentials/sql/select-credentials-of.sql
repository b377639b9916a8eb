-- The agent's credentials, newest first, at most $2: what `wow identity show` prints.
select id, jti, kind, agent_id, tree_hash, jwt, kid, capabilities, withheld, issued_at, expires_at, status, superseded_at, issued_by
from identity_credentials
where agent_id = $1
order by issued_at desc, id desc
limit $2
