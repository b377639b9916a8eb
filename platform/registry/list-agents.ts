import { readSql } from '../store/read-sql.ts';
import type { PgQueryable } from '../store/store.ts';

const listSql = readSql(import.meta.url, 'list-agents');

export type AgentStatus = 'Available' | 'Working' | 'Offline';

export interface AgentRow {
  id: string;
  name: string;
  version: string;
  description: string;
  status: AgentStatus;
  /** Every instance on record, and those whose heartbeat is fresh. */
  instances: number;
  liveInstances: number;
  inFlight: number;
  lastHeartbeatAt: string | null;
  /** The Active deployed version, or null when the agent runs from a checkout without a deploy. */
  deployed: DeployedVersion | null;
}

export interface DeployedVersion {
  state: 'Active';
  version: string;
  treeHash: string;
  commit: string;
  activatedAt: string;
  /** Live instances running this version. */
  runningInstances: number;
}

/** The registry as operators see it, with each agent's status derived from its instances' heartbeats. */
export async function listAgents(db: PgQueryable, opts: { heartbeatTimeoutMs: number }): Promise<AgentRow[]> {
  const { rows } = await db.query<{
    id: string;
    name: string;
    version: string;
    description: string;
    status: AgentStatus;
    instances: number;
    live_instances: number;
    in_flight: number;
    last_heartbeat_at: Date | null;
    active_tree_hash: string | null;
    active_version: string | null;
    active_commit: string | null;
    activated_at: Date | null;
    running_active: number;
  }>(listSql, [opts.heartbeatTimeoutMs]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    version: r.version,
    description: r.description,
    status: r.status,
    instances: r.instances,
    liveInstances: r.live_instances,
    inFlight: r.in_flight,
    lastHeartbeatAt: r.last_heartbeat_at === null ? null : new Date(r.last_heartbeat_at).toISOString(),
    deployed:
      r.active_tree_hash === null
        ? null
        : {
            state: 'Active',
            version: r.active_version ?? '',
            treeHash: r.active_tree_hash,
            commit: r.active_commit ?? '',
            activatedAt: r.activated_at === null ? '' : new Date(r.activated_at).toISOString(),
            runningInstances: r.running_active,
          },
  }));
}
