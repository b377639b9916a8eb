-- The W3C Bitstring Status List (platform/identity/status): each agent's position in the
-- platform's lists, and the signed list credentials the server publishes. A bit is set in
-- the suspension list while the agent is suspended, in the revocation list once it is revoked.
create table agent_status_index (
  agent_id text primary key,
  -- Positions from 0, never reused, so a credential's entry points at its agent for good.
  idx integer not null unique check (idx >= 0)
);

create table identity_status_lists (
  purpose text primary key check (purpose in ('suspension', 'revocation')),
  jwt text not null,
  issued_at timestamptz not null,
  expires_at timestamptz not null
);
