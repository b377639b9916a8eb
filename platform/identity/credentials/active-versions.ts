import type { AgentManifest } from '../../agent/manifest-schema.ts';
import type { PgQueryable } from '../../store/store.ts';

/** An agent's Active deployed version (platform/deploy records it in agent_versions). */
export interface ActiveAgentVersion {
  agentId: string;
  treeHash: string;
  version: string;
  commit: string;
  manifest: AgentManifest;
}

interface VersionRow extends Record<string, unknown> {
  agent_id: string;
  tree_hash: string;
  version: string;
  commit_sha: string;
  manifest: AgentManifest;
}

const versionOf = (row: VersionRow): ActiveAgentVersion => ({
  agentId: row.agent_id,
  treeHash: row.tree_hash,
  version: row.version,
  commit: row.commit_sha,
  manifest: row.manifest,
});

const columns = 'agent_id, tree_hash, version, commit_sha, manifest';

export async function activeAgentVersion(db: PgQueryable, agentId: string): Promise<ActiveAgentVersion | undefined> {
  const [row] = (
    await db.query<VersionRow>(`select ${columns} from agent_versions where agent_id = $1 and state = 'Active'`, [
      agentId,
    ])
  ).rows;
  return row === undefined ? undefined : versionOf(row);
}

export async function activeAgentVersions(db: PgQueryable): Promise<ActiveAgentVersion[]> {
  const { rows } = await db.query<VersionRow>(
    `select ${columns} from agent_versions where state = 'Active' order by agent_id`,
  );
  return rows.map(versionOf);
}
