import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { loadAgentDefinition } from '../agent/load-agent-definition.ts';
import type { Identity } from '../identity/create-identity.ts';
import type { Logger } from '../log/logger.ts';
import { migrate, migrationDirs, platformRoot } from '../store/migrate.ts';
import type { Store } from '../store/store.ts';
import type { AgentRelease } from './agent-release.ts';
import { materialiseRelease } from './materialise-release.ts';
import { readAgentRelease } from './read-agent-release.ts';
import { activateVersion, activeVersionOf, failDraft, recordDraft } from './version-registry.ts';

export interface DeployOptions {
  store: Store;
  /** The repository checkout to deploy from. */
  repoRoot: string;
  /** Its agents folder. */
  agentsDir: string;
  ids: readonly string[];
  /** The commit to deploy, HEAD by default. */
  ref?: string;
  /** Applied before any version becomes Active. Default: the platform's and the repository's (see migrationDirs). */
  migrationDirs?: readonly string[];
  log: Logger;
  /** CloudEvents source of `agent.deployed` and `agent.deploy.failed`. */
  source?: string;
  /** Called as each agent reaches its outcome, for progress output. */
  onOutcome?: (outcome: DeployOutcome) => void;
  /**
   * Gives the platform and each agent that runs a DID and a key if it has none, and each
   * deployed version its capability credential and attestation (`wow deploy` always does).
   */
  identity?: Identity;
}

export interface DeployOutcome {
  agentId: string;
  version: string;
  treeHash: string;
  commit: string;
  /** activated: now Active; unchanged: this version was Active already; failed: recorded as Failed, the previous version still runs. */
  outcome: 'activated' | 'unchanged' | 'failed';
  previousTreeHash: string | null;
  reason?: string;
  /** The agent's DID, when deployed with `identity` and not failed: one per agent, kept across its versions. */
  did?: string;
  /** Capabilities its manifest declares beyond its tier that wait for `wow identity approve` (with `identity`). */
  withheld?: string[];
}

/**
 * `wow deploy`: each agent's folder as committed at `ref` is recorded as a Draft version,
 * proven to load, then made Active (the previous Active one Retired) with `agent.deployed`
 * published in the same transaction. Every agent is read and validated before anything
 * is written, so a bad id or manifest leaves the registry as it was.
 */
export async function deployAgents(opts: DeployOptions): Promise<DeployOutcome[]> {
  const repoRoot = resolve(opts.repoRoot);
  const agentsPath = relative(repoRoot, resolve(opts.agentsDir)).split(sep).join('/');
  const releases: AgentRelease[] = [];
  for (const id of opts.ids)
    releases.push(await readAgentRelease({ repoRoot, agentsPath, id, ref: opts.ref ?? 'HEAD' }));
  // An agent's tables come with it; they must exist before any runtime hands it an event.
  // The repository's migrations (platform, domains, agents) and the running platform's own:
  // the same file reached both ways counts once.
  const dirs = opts.migrationDirs ?? [
    ...(await migrationDirs(platformRoot)),
    ...(await migrationDirs(repoRoot, resolve(opts.agentsDir))),
  ];
  await migrate(opts.store, { log: opts.log, dirs });
  await opts.identity?.ensure('platform', { actor: 'wow deploy' });

  const outcomes: DeployOutcome[] = [];
  const scratch = await mkdtemp(join(tmpdir(), 'wow-deploy-'));
  try {
    for (const release of releases) {
      const outcome = await deployOne(opts, release, scratch);
      opts.onOutcome?.(outcome);
      outcomes.push(outcome);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return outcomes;
}

async function deployOne(opts: DeployOptions, release: AgentRelease, scratch: string): Promise<DeployOutcome> {
  const { store, log } = opts;
  const base = {
    agentId: release.agentId,
    version: release.manifest.version,
    treeHash: release.treeHash,
    commit: release.commit,
  };
  // The agent's identity is its own, not its version's: a new version keeps the DID and key.
  const identity = async () =>
    opts.identity === undefined
      ? {}
      : { did: (await opts.identity.ensure(release.agentId, { actor: 'wow deploy' })).did };
  const active = await activeVersionOf(store, release.agentId);
  if (active?.treeHash === release.treeHash) {
    const did = await identity();
    // Deployed before credentials existed, or they lapsed while nothing ran: issued now.
    const held = await opts.identity?.credentials.ensure(release.agentId, { actor: 'wow deploy' });
    return { ...base, outcome: 'unchanged', previousTreeHash: active.treeHash, ...did, ...withheldOf(held) };
  }

  await recordDraft(store, release);
  let dir: string | undefined;
  try {
    // Loaded as a runtime will load it, so a version that cannot start never becomes Active.
    dir = await materialiseRelease({ releasesDir: scratch, agentsDir: opts.agentsDir, release });
    await loadAgentDefinition(release.manifest, dir);
  } catch (err) {
    // Paths as in the repository, not the scratch copy: the reason is read on GitHub too.
    const folder = relative(resolve(opts.repoRoot), join(resolve(opts.agentsDir), release.agentId))
      .split(sep)
      .join('/');
    const reason = dir === undefined ? (err as Error).message : (err as Error).message.replaceAll(dir, folder);
    await failDraft(store, {
      release,
      reason,
      activeTreeHash: active?.treeHash ?? null,
      source: opts.source ?? 'wow/deploy',
    });
    return { ...base, outcome: 'failed', previousTreeHash: active?.treeHash ?? null, reason };
  }
  // Before it is Active: a runtime that loads the version finds its identity there.
  const did = await identity();
  const deployed = await activateVersion(store, release.agentId, release.treeHash, opts.source ?? 'wow/deploy');
  // The new version's capability credential and the attestation of its tree hash; until
  // they exist a runtime that loads it issues them itself (attestedTreeHash).
  const held = await opts.identity?.credentials.ensure(release.agentId, { actor: 'wow deploy', force: true });
  log.info(
    {
      agent: release.agentId,
      version: deployed.version,
      treeHash: deployed.treeHash,
      previous: deployed.previousTreeHash,
    },
    'version Active',
  );
  return { ...base, outcome: 'activated', previousTreeHash: deployed.previousTreeHash, ...did, ...withheldOf(held) };
}

const withheldOf = (held: { withheld: string[] } | undefined) =>
  held === undefined || held.withheld.length === 0 ? {} : { withheld: held.withheld };
