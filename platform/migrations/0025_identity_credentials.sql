-- Credentials the platform issues about its agents (platform/identity/credentials and
-- attestation): W3C Verifiable Credentials as JWTs, signed by the platform's DID.
--   capability   what the agent version may do: the capabilities of its manifest that its tier
--                allows or someone approved, the event types it emits, the tables it owns
--   attestation  which code the version is: its folder's git tree hash
-- A credential is short-lived and renewed before it expires; a renewal or a new version
-- supersedes the credential before it. Its state at a time is read from its times and status:
--   active (status active, expires_at > now), expired (status active, expires_at <= now),
--   superseded.
create table identity_credentials (
  id bigserial primary key,
  -- The JWT's jti (urn:uuid:…).
  jti text not null unique,
  kind text not null check (kind in ('capability', 'attestation')),
  agent_id text not null,
  -- The deployed version it speaks of (agent_versions.tree_hash).
  tree_hash text not null,
  jwt text not null,
  -- The key of the platform's DID that signed it: a rotation renews what the old key signed.
  kid text not null,
  -- capability: what it grants, and what the manifest declares that waits for an approver.
  capabilities jsonb not null default '[]',
  withheld jsonb not null default '[]',
  issued_at timestamptz not null,
  expires_at timestamptz not null,
  status text not null default 'active' check (status in ('active', 'superseded')),
  superseded_at timestamptz,
  -- 'wow deploy', 'schedule', 'wow identity approve', …
  issued_by text not null,
  check (expires_at > issued_at)
);
-- One active credential of each kind per agent: issuing the next supersedes it in the same transaction.
create unique index identity_credentials_one_active on identity_credentials (agent_id, kind) where status = 'active';
create index identity_credentials_agent on identity_credentials (agent_id, issued_at);

-- Approvals of capabilities beyond an agent's tier: who, when, why and through which door.
-- An approval names the agent and the capability; it holds for every later version that
-- still declares the capability.
create table identity_capability_approvals (
  id bigserial primary key,
  agent_id text not null,
  capability text not null,
  approved_by text not null,
  approved_at timestamptz not null,
  reason text not null,
  -- 'wow identity approve', or the pull request comment it came from.
  via text not null
);
create index identity_capability_approvals_agent on identity_capability_approvals (agent_id, capability);
