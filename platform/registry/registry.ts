import { hostname } from 'node:os';
import type { AgentManifest } from '../agent/manifest-schema.ts';
import { readSql } from '../store/read-sql.ts';
import type { PgQueryable } from '../store/store.ts';

const sql = {
  upsertAgent: readSql(import.meta.url, 'upsert-agent'),
  upsertInstance: readSql(import.meta.url, 'upsert-instance'),
  heartbeat: readSql(import.meta.url, 'heartbeat-instance'),
  stop: readSql(import.meta.url, 'stop-instance'),
  prune: readSql(import.meta.url, 'prune-instances'),
};

/** The registry's writes: one agent row per manifest, one instance row per process running it. */
export async function registerAgent(db: PgQueryable, manifest: AgentManifest): Promise<void> {
  await db.query(sql.upsertAgent, [
    manifest.id,
    manifest.name,
    manifest.version,
    manifest.description,
    JSON.stringify(manifest),
  ]);
}

/** `treeHash`: the deployed version the instance runs, null for the agent's folder in the runtime's checkout. */
export async function registerInstance(
  db: PgQueryable,
  agentId: string,
  instanceId: string,
  treeHash: string | null,
): Promise<void> {
  await db.query(sql.upsertInstance, [instanceId, agentId, hostname(), process.pid, treeHash]);
}

export async function heartbeat(db: PgQueryable, agentId: string, instanceId: string, inFlight: number): Promise<void> {
  await db.query(sql.heartbeat, [instanceId, agentId, inFlight]);
}

/** A graceful stop: the instance is Offline at once, not after the heartbeat timeout. */
export async function markInstanceStopped(db: PgQueryable, agentId: string, instanceId: string): Promise<void> {
  await db.query(sql.stop, [instanceId, agentId]);
}

export async function pruneInstances(db: PgQueryable): Promise<void> {
  await db.query(sql.prune);
}
