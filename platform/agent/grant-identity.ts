import { createError } from '../errors/errors.ts';
import type { Identity } from '../identity/create-identity.ts';
import { agentSecretBox, type SecretBox } from '../identity/kms/secret-box.ts';
import type { CapabilityApproval } from '../identity/credentials/approvals.ts';
import type { LifecycleChange, LifecycleState } from '../identity/lifecycle/agent-lifecycle.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { grantsOf } from './capabilities.ts';
import type { AgentManifest } from './manifest-schema.ts';

/**
 * What an agent may do to identities (`ctx.identity`): read any agent's lifecycle state
 * (the status lists publish it anyway); suspend, resume or revoke one with
 * `identity:lifecycle:write`; record an approval of a capability beyond a tier with
 * `identity:approvals:write`. The audit trail names the person who asked and the agent
 * that acted for them.
 */
export interface AgentIdentity {
  lifecycleOf(agentId: string): Promise<LifecycleState>;
  changeLifecycle(
    agentId: string,
    change: LifecycleChange,
    opts: { by: string; reason: string },
  ): Promise<{ state: LifecycleState; previous: LifecycleState }>;
  /**
   * Records the approval and issues the agent credentials that hold the capability at once;
   * `once` names the request, so that the same one delivered again records nothing more.
   */
  approveCapability(
    agentId: string,
    capability: string,
    opts: { by: string; reason?: string; via: string; once?: string },
  ): Promise<CapabilityApproval>;
  /**
   * The agent's own secrets (an outside API's client secret and tokens), sealed under the
   * platform's master key. The agent's id is bound to each seal with the secret's name, so
   * no other agent opens what this one sealed.
   */
  readonly secrets: SecretBox;
}

/**
 * The platform's identity as one agent may use it; undefined when the host has none (a
 * host built without an identity, as in tests and tools). Without the capability, each
 * change fails with WOW_ERR_CAPABILITY_MISSING and counts as a security violation; one
 * its live credential `withheld` (not approved yet), with WOW_ERR_CAPABILITY_WITHHELD.
 */
export function grantIdentity(
  manifest: AgentManifest,
  identity: Identity | undefined,
  metrics: Metrics,
  withheld: readonly string[] = [],
): AgentIdentity | undefined {
  if (identity === undefined) return undefined;
  const grants = grantsOf(manifest.capabilities.filter((c) => !withheld.includes(c)));
  const agent = manifest.id;
  const assertHeld = (held: boolean, what: string, capability: string): void => {
    if (held) return;
    metrics.securityViolation('capability_missing', {
      agent,
      source: 'agent context',
      reason: `${agent} used ${what} without ${capability}`,
      sample: { capability },
    });
    throw createError(withheld.includes(capability) ? 'WOW_ERR_CAPABILITY_WITHHELD' : 'WOW_ERR_CAPABILITY_MISSING', {
      agent,
      what,
      capability,
    });
  };
  // Who acted, as the audit trail keeps it: the agent itself, or a person through it.
  const actor = (by: string) => (by === agent ? agent : `${by} via ${agent}`);
  return {
    lifecycleOf: (agentId) => identity.lifecycle.of(agentId),
    async changeLifecycle(agentId, change, opts) {
      assertHeld(grants.lifecycle, 'agent lifecycle changes', 'identity:lifecycle:write');
      return identity.lifecycle.change(agentId, change, { actor: actor(opts.by), reason: opts.reason });
    },
    async approveCapability(agentId, capability, opts) {
      assertHeld(grants.approvals, 'capability approvals', 'identity:approvals:write');
      return (await identity.credentials.approve(agentId, capability, { ...opts, via: `${opts.via} (${agent})` }))
        .approval;
    },
    secrets: agentSecretBox(identity.kms.secrets, agent),
  };
}
