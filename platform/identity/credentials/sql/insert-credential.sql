insert into identity_credentials
  (jti, kind, agent_id, tree_hash, jwt, kid, capabilities, withheld, issued_at, expires_at, issued_by)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
