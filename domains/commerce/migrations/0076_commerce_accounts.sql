-- Accounts: the people who sign in, the organisations they belong to, their sessions and
-- the single-use tokens mailed to them. An organisation IS a support customer (one customer,
-- one identity): its id is the customer's id, and its slug and name are the customer's.
create table commerce_users (
  id uuid primary key,
  -- As typed (trimmed), for greetings and mail; email_key is what is unique and looked up.
  email text not null,
  email_key text not null unique,
  name text not null,
  -- Argon2id in PHC form ($argon2id$v=19$m=…,t=…,p=…$salt$hash): the parameters travel with the hash.
  password_hash text not null,
  email_verified_at timestamptz,
  created_at timestamptz not null default now()
);

create table commerce_organisations (
  id uuid primary key references support_customers (id) on delete cascade,
  created_at timestamptz not null default now()
);

create table commerce_memberships (
  organisation_id uuid not null references commerce_organisations (id) on delete cascade,
  user_id uuid not null references commerce_users (id) on delete cascade,
  role text not null check (role in ('owner', 'member')),
  created_at timestamptz not null default now(),
  primary key (organisation_id, user_id)
);
create index commerce_memberships_user on commerce_memberships (user_id);

-- A signed-in browser: a customer (user_id) or an operator (operator_login, from GitHub).
-- Only the sha256 of the cookie's value is kept, so a leaked table opens no session.
create table commerce_sessions (
  token_hash text primary key,
  user_id uuid references commerce_users (id) on delete cascade,
  operator_login text,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  check ((user_id is null) <> (operator_login is null))
);
create index commerce_sessions_user on commerce_sessions (user_id);

-- What a mailed link carries: email verification, password reset, an invitation to an
-- organisation. Stored as sha256 only; used_at makes each single-use.
create table commerce_tokens (
  token_hash text primary key,
  purpose text not null check (purpose in ('verify_email', 'reset_password', 'invitation')),
  user_id uuid references commerce_users (id) on delete cascade,
  organisation_id uuid references commerce_organisations (id) on delete cascade,
  -- An invitation: to whom (email_key form) and as what.
  email text,
  role text check (role in ('owner', 'member')),
  invited_by uuid references commerce_users (id) on delete set null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  check (purpose <> 'invitation' or (organisation_id is not null and email is not null and role is not null)),
  check (purpose = 'invitation' or user_id is not null)
);
create index commerce_tokens_user on commerce_tokens (user_id, purpose) where used_at is null;
