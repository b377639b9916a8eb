import type { AgentManifest } from '../agent/manifest-schema.ts';

/** One file of a deployed agent, relative to the agent's folder; base64, so that any byte survives. */
export interface ReleaseFile {
  path: string;
  /** git's file mode: 100644, 100755, or 120000 for a symbolic link. */
  mode: string;
  content: string;
}

/** An agent's folder as of one commit, addressed by the folder's git tree hash. */
export interface AgentRelease {
  agentId: string;
  treeHash: string;
  commit: string;
  manifest: AgentManifest;
  files: ReleaseFile[];
}

/** What `agent.deployed` carries: which version became Active, and which one it replaced. */
export interface AgentDeployed {
  agentId: string;
  version: string;
  treeHash: string;
  commit: string;
  previousTreeHash: string | null;
  rollback: boolean;
}

/** What `agent.deploy.failed` carries: the version that did not load, why, and what stays Active. */
export interface AgentDeployFailed {
  agentId: string;
  version: string;
  treeHash: string;
  commit: string;
  reason: string;
  activeTreeHash: string | null;
}
