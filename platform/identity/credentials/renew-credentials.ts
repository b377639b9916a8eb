import { createHash } from 'node:crypto';
import type { AgentManifest } from '../../agent/manifest-schema.ts';
import { issueStatusLists, statusListsDue } from '../status/status-list.ts';
import { haltedAgents, lifecycleOf } from '../lifecycle/agent-lifecycle.ts';
import { didOf } from '../did/did-web.ts';
import type { IdentityContext } from '../identity-context.ts';
import { signingKeyOf } from '../identity-keys.ts';
import { activeAgentVersion, activeAgentVersions, type ActiveAgentVersion } from './active-versions.ts';
import { activeCredentialOf, type CredentialKind } from './credential-records.ts';
import { issueCredentials } from './issue-credentials.ts';

/**
 * Whether the agent's credentials must be issued again: one is missing, speaks of another
 * version, has less than half its life left, or was signed by a platform key that no
 * longer signs (a rotation: what the old key signed is renewed before its grace ends).
 */
async function renewalDue(ctx: IdentityContext, version: ActiveAgentVersion): Promise<boolean> {
  const now = ctx.clock();
  const key = await signingKeyOf(ctx.db, 'platform', now);
  const kid = key === undefined ? undefined : `${didOf(ctx.host, 'platform')}#${key.fragment}`;
  const halfLife = (ctx.settings.credentialTtlSeconds * 1000) / 2;
  for (const kind of ['capability', 'attestation'] satisfies CredentialKind[]) {
    const current = await activeCredentialOf(ctx.db, version.agentId, kind);
    if (
      current === undefined ||
      current.treeHash !== version.treeHash ||
      current.kid !== kid ||
      current.expiresAt.getTime() - now.getTime() < halfLife
    )
      return true;
  }
  return false;
}

/** What an agent's Active version holds after `ensureCredentials`. */
export interface EnsuredCredentials {
  /** Declared capabilities its tier does not allow and nobody approved: not in its credential. */
  withheld: string[];
}

/**
 * Gives the agent's Active version live credentials if it lacks them (or they are due);
 * `force` issues new ones regardless (a deploy, an approval). Undefined when the agent has
 * no Active version: an agent run from its folder, never deployed, has no version to attest.
 */
export async function ensureCredentials(
  ctx: IdentityContext,
  agentId: string,
  opts: { actor: string; force?: boolean },
): Promise<EnsuredCredentials | undefined> {
  const version = await activeAgentVersion(ctx.db, agentId);
  // A suspended or revoked agent gets no credentials until it is resumed.
  if (version === undefined || (await lifecycleOf(ctx.db, agentId)) !== 'active') return undefined;
  if (opts.force === true || (await renewalDue(ctx, version)))
    return { withheld: (await issueCredentials(ctx, version, opts)).capability.withheld };
  return { withheld: (await activeCredentialOf(ctx.db, agentId, 'capability'))?.withheld ?? [] };
}

/**
 * Gives an agent run from its folder, never deployed (`wow start` on a checkout), live
 * credentials for what its folder's manifest declares, so that its messages pass the
 * guard as a deployed version's do. It has no tree hash or commit to attest: both are
 * `working-tree:<digest of the manifest>`, so a changed manifest is issued again. An agent
 * with an Active version gets that version's (`ensureCredentials`).
 */
export async function ensureWorkingTreeCredentials(
  ctx: IdentityContext,
  manifest: AgentManifest,
  opts: { actor: string },
): Promise<EnsuredCredentials | undefined> {
  if ((await activeAgentVersion(ctx.db, manifest.id)) !== undefined) return ensureCredentials(ctx, manifest.id, opts);
  if ((await lifecycleOf(ctx.db, manifest.id)) !== 'active') return undefined;
  const digest = createHash('sha256').update(JSON.stringify(manifest)).digest('hex').slice(0, 16);
  const workingTree = `working-tree:${digest}`;
  const version: ActiveAgentVersion = {
    agentId: manifest.id,
    treeHash: workingTree,
    version: manifest.version,
    commit: workingTree,
    manifest,
  };
  if (await renewalDue(ctx, version))
    return { withheld: (await issueCredentials(ctx, version, { ...opts, approvable: false })).capability.withheld };
  return { withheld: (await activeCredentialOf(ctx.db, manifest.id, 'capability'))?.withheld ?? [] };
}

export interface RenewOutcome {
  renewed: string[];
  /** Agents whose renewal failed (the KMS unreachable, …): tried again on the next run. */
  failed: Array<{ agentId: string; error: string }>;
}

/** Renews the credentials of every Active version that is due; one agent's failure does not stop the others. */
export async function renewDueCredentials(ctx: IdentityContext, opts: { actor: string }): Promise<RenewOutcome> {
  const outcome: RenewOutcome = { renewed: [], failed: [] };
  const halted = await haltedAgents(ctx.db);
  for (const version of await activeAgentVersions(ctx.db)) {
    if (halted.has(version.agentId)) continue;
    try {
      if (!(await renewalDue(ctx, version))) continue;
      await issueCredentials(ctx, version, opts);
      outcome.renewed.push(version.agentId);
    } catch (err) {
      ctx.log.error(
        { err, agent: version.agentId },
        'identity: could not renew credentials; tried again on the next run',
      );
      outcome.failed.push({ agentId: version.agentId, error: (err as Error).message });
    }
  }
  // The status lists live as long as a credential, and are signed again before they lapse.
  if (await statusListsDue(ctx)) await issueStatusLists(ctx, opts);
  return outcome;
}
