import type { AgentManifest } from '../agent/manifest-schema.ts';
import { createEvent } from '../bus/envelope.ts';
import { createError } from '../errors/errors.ts';
import { enqueueOutbox } from '../outbox/enqueue-outbox.ts';
import { registerAgent } from '../registry/registry.ts';
import { readSql } from '../store/read-sql.ts';
import type { PgQueryable, Store } from '../store/store.ts';
import type { AgentDeployed, AgentDeployFailed, AgentRelease, ReleaseFile } from './agent-release.ts';

const sql = {
  selectActive: readSql(import.meta.url, 'select-active-version'),
  recordDraft: readSql(import.meta.url, 'record-draft-version'),
  fail: readSql(import.meta.url, 'fail-version'),
  retireActive: readSql(import.meta.url, 'retire-active-version'),
  activate: readSql(import.meta.url, 'activate-version'),
  rollbackTarget: readSql(import.meta.url, 'select-rollback-target'),
  activeVersions: readSql(import.meta.url, 'select-active-versions'),
  release: readSql(import.meta.url, 'select-version-release'),
};

export const deployedEventType = 'agent.deployed';
/** A version `wow deploy` could not load, recorded as Failed (WowNotification alerts the operators). */
export const deployFailedEventType = 'agent.deploy.failed';

export interface ActiveVersion {
  treeHash: string;
  version: string;
  commit: string;
  activatedAt: Date;
}

export async function activeVersionOf(db: PgQueryable, agentId: string): Promise<ActiveVersion | undefined> {
  const row = (
    await db.query<{ tree_hash: string; version: string; commit_sha: string; activated_at: Date }>(sql.selectActive, [
      agentId,
    ])
  ).rows[0];
  return row === undefined
    ? undefined
    : {
        treeHash: row.tree_hash,
        version: row.version,
        commit: row.commit_sha,
        activatedAt: new Date(row.activated_at),
      };
}

/** Every agent's Active version: what runtimes must be running. */
export async function activeVersions(db: PgQueryable): Promise<Map<string, string>> {
  const { rows } = await db.query<{ agent_id: string; tree_hash: string }>(sql.activeVersions);
  return new Map(rows.map((r) => [r.agent_id, r.tree_hash]));
}

/** A stored version with its files, for a runtime to load. */
export async function releaseOf(db: PgQueryable, agentId: string, treeHash: string): Promise<AgentRelease | undefined> {
  const row = (
    await db.query<{
      agent_id: string;
      tree_hash: string;
      commit_sha: string;
      manifest: AgentManifest;
      files: ReleaseFile[];
    }>(sql.release, [agentId, treeHash])
  ).rows[0];
  return row === undefined
    ? undefined
    : {
        agentId: row.agent_id,
        treeHash: row.tree_hash,
        commit: row.commit_sha,
        manifest: row.manifest,
        files: row.files,
      };
}

export async function recordDraft(db: PgQueryable, release: AgentRelease): Promise<void> {
  await db.query(sql.recordDraft, [
    release.agentId,
    release.treeHash,
    release.manifest.version,
    release.commit,
    JSON.stringify(release.manifest),
    JSON.stringify(release.files),
  ]);
}

/**
 * Draft → Failed, with `agent.deploy.failed` through the outbox in the same transaction:
 * the failure is heard exactly when it is recorded, once, however often the deploy is run.
 */
export async function failDraft(
  store: Store,
  opts: { release: AgentRelease; reason: string; activeTreeHash: string | null; source: string },
): Promise<void> {
  const { release } = opts;
  await store.transaction(async (tx) => {
    const failed = await tx.query(sql.fail, [release.agentId, release.treeHash, opts.reason]);
    if (failed.rowCount !== 1) return;
    const data: AgentDeployFailed = {
      agentId: release.agentId,
      version: release.manifest.version,
      treeHash: release.treeHash,
      commit: release.commit,
      // Bounded: a load error can quote a whole stack.
      reason: opts.reason.length <= 2000 ? opts.reason : `${opts.reason.slice(0, 1999)}…`,
      activeTreeHash: opts.activeTreeHash,
    };
    await enqueueOutbox(
      tx,
      createEvent({
        source: opts.source,
        type: deployFailedEventType,
        subject: release.agentId,
        partitionkey: release.agentId,
        data,
      }),
    );
  });
}

/**
 * Draft → Active in one transaction: the previous Active version is Retired, the registry
 * lists the new manifest, and `agent.deployed` goes out through the outbox, so runtimes
 * hear of it exactly when it is true.
 */
export async function activateVersion(
  store: Store,
  agentId: string,
  treeHash: string,
  source: string,
): Promise<AgentDeployed> {
  return store.transaction((tx) =>
    switchActive(tx, { agentId, treeHash, source, retireAs: 'Retired', reason: null, rollback: false }),
  );
}

/** Returns the agent to the version that was Active before the current one. */
export async function rollbackVersion(store: Store, agentId: string, source: string): Promise<AgentDeployed> {
  return store.transaction(async (tx) => {
    // Serialises concurrent deploys and rollbacks of one agent.
    await tx.query(`select pg_advisory_xact_lock(hashtext('wow:deploy:' || $1))`, [agentId]);
    const current = await activeVersionOf(tx, agentId);
    if (current === undefined)
      throw createError('WOW_ERR_ROLLBACK', {
        agent: agentId,
        problem: 'it has no Active version; `wow agents list` shows what is deployed',
      });
    const target = (await tx.query<{ tree_hash: string }>(sql.rollbackTarget, [agentId, current.activatedAt])).rows[0]
      ?.tree_hash;
    if (target === undefined)
      throw createError('WOW_ERR_ROLLBACK', {
        agent: agentId,
        problem: `version ${current.treeHash.slice(0, 12)} is the first one deployed; there is no earlier version to return to`,
      });
    return switchActive(tx, {
      agentId,
      treeHash: target,
      source,
      retireAs: 'RolledBack',
      reason: `rolled back to ${target.slice(0, 12)}`,
      rollback: true,
    });
  });
}

async function switchActive(
  tx: PgQueryable,
  opts: {
    agentId: string;
    treeHash: string;
    source: string;
    retireAs: 'Retired' | 'RolledBack';
    reason: string | null;
    rollback: boolean;
  },
): Promise<AgentDeployed> {
  await tx.query(`select pg_advisory_xact_lock(hashtext('wow:deploy:' || $1))`, [opts.agentId]);
  const previous =
    (await tx.query<{ tree_hash: string }>(sql.retireActive, [opts.agentId, opts.retireAs, opts.reason])).rows[0]
      ?.tree_hash ?? null;
  const row = (
    await tx.query<{ version: string; commit_sha: string; manifest: AgentManifest }>(sql.activate, [
      opts.agentId,
      opts.treeHash,
    ])
  ).rows[0];
  if (row === undefined)
    throw createError('WOW_ERR_DEPLOY', {
      agent: opts.agentId,
      problem: `version ${opts.treeHash.slice(0, 12)} is not recorded`,
    });
  await registerAgent(tx, row.manifest);
  const data: AgentDeployed = {
    agentId: opts.agentId,
    version: row.version,
    treeHash: opts.treeHash,
    commit: row.commit_sha,
    previousTreeHash: previous,
    rollback: opts.rollback,
  };
  await enqueueOutbox(
    tx,
    createEvent({
      source: opts.source,
      type: deployedEventType,
      subject: opts.agentId,
      partitionkey: opts.agentId,
      data,
    }),
  );
  return data;
}
