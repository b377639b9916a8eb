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
}

/** The registry as operators see it, with each agent's status derived from its instances' heartbeats. */
export async function listAgents(db: PgQueryable, opts: { heartbeatTimeoutMs: number }): Promise<AgentRow[]> {
  const { rows } = await db.query<{ id: string; name: string; version: string; description: string; status: AgentStatus; instances: number; live_instances: number; in_flight: number; last_heartbeat_at: Date | null }>(listSql, [opts.heartbeatTimeoutMs]);
  return rows.map((r) => ({
    id: r.id, name: r.name, version: r.version, description: r.description, status: r.status,
    instances: r.instances, liveInstances: r.live_instances, inFlight: r.in_flight,
    lastHeartbeatAt: r.last_heartbeat_at === null ? null : new Date(r.last_heartbeat_at).toISOString(),
  }));
}
