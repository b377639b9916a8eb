-- Deployed versions of each agent: the agent's folder as of a commit, addressed by the
-- folder's git tree hash, with its files so that any runtime can load it. At most one
-- version per agent is Active; earlier ones stay (Retired) so that a rollback can return.
create table agent_versions (
  agent_id text not null,
  tree_hash text not null,
  version text not null,
  commit_sha text not null,
  manifest jsonb not null,
  -- [{ "path": "src/index.ts", "mode": "100644", "content": "<base64>" }, …], relative to the agent's folder.
  files jsonb not null,
  state text not null default 'Draft' check (state in ('Draft', 'Active', 'Retired', 'RolledBack', 'Failed')),
  -- Why a version is Failed or RolledBack, for operators.
  reason text,
  created_at timestamptz not null default now(),
  activated_at timestamptz,
  primary key (agent_id, tree_hash)
);

create unique index agent_versions_one_active on agent_versions (agent_id) where state = 'Active';

-- Which version each instance runs: null for the agent's folder in the runtime's own checkout.
alter table agent_instances add column tree_hash text;
