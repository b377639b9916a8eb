-- Identities (platform/identity): the signing keys of the platform's DID and of each agent's,
-- their life in time, and what happened to each and who did it.
--
-- A key's state is read from its times, so that no sweep has to run for a key to change
-- state (a late sweep never leaves a key in a DID document past its grace):
--   published   now < signs_from: in the DID document, not yet signing
--   active      signs_from <= now < signs_until (or no signs_until): signs
--   verifying   signs_until <= now < verifies_until: in the document for verification only
--   retired     verifies_until <= now, or retired_at set: gone from the document; disabled in its KMS once retired_at is set
create table identity_keys (
  id bigserial primary key,
  -- 'platform', or an agent's id; the DID is derived from it and the configured host.
  subject text not null,
  -- The verification method's fragment in the DID document (kid = <did>#<fragment>).
  fragment text not null,
  kms text not null check (kms in ('local', 'aws')),
  -- The key in its KMS: never the key itself.
  key_ref text not null,
  public_key_jwk jsonb not null,
  created_at timestamptz not null default now(),
  signs_from timestamptz not null,
  signs_until timestamptz,
  verifies_until timestamptz,
  retired_at timestamptz,
  unique (subject, fragment),
  check (signs_until is null or verifies_until >= signs_until)
);
-- One key per subject is the current or next signer; rotation closes the previous one first.
create unique index identity_keys_one_open on identity_keys (subject) where signs_until is null;
create index identity_keys_to_retire on identity_keys (verifies_until) where retired_at is null and verifies_until is not null;

-- Every change of a key's life, with who made it: the audit trail `wow identity show` prints.
create table identity_key_events (
  id bigserial primary key,
  key_id bigint not null references identity_keys (id),
  subject text not null,
  event text not null check (event in ('created', 'rotated_out', 'retired')),
  at timestamptz not null default now(),
  -- 'wow deploy', 'wow identity rotate', 'schedule', 'runtime', …
  actor text not null,
  reason text not null
);
create index identity_key_events_subject on identity_key_events (subject, at);

-- The local KMS driver's keys: each private key sealed (AES-256-GCM) under a data key of its
-- own, the data key sealed under the master key (IDENTITY_MASTER_KEY). A sealed value is
-- nonce (12 bytes) || tag (16 bytes) || ciphertext.
create table identity_local_kms_keys (
  key_ref text primary key,
  -- Which master key sealed it (the first 16 hex digits of its SHA-256), so that a process
  -- with another one says so instead of failing to decrypt.
  master_key_id text not null,
  sealed_data_key bytea,
  sealed_private_key bytea,
  public_key_jwk jsonb not null,
  created_at timestamptz not null default now(),
  -- Retired keys are destroyed: both sealed values are erased.
  destroyed_at timestamptz,
  check ((destroyed_at is null) = (sealed_private_key is not null and sealed_data_key is not null))
);
