import { capabilityForms, capabilityPattern } from '../../agent/capabilities.ts';
import type { Subject } from '../did/did-web.ts';
import { createError } from '../errors.ts';
import type { IdentityContext } from '../identity-context.ts';
import { activeAgentVersion } from './active-versions.ts';
import { recordApproval, type CapabilityApproval } from './approvals.ts';
import { issueCredentials, type IssuedCredentials } from './issue-credentials.ts';
import { allowedCapabilities } from './tier-policy.ts';

// As GitHub spells a login.
const loginPattern = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const maxReason = 500;

/**
 * Records that `by` approved `capability` for the agent, beyond what its tier allows, and
 * issues the agent new credentials at once that hold it. Only a capability the Active
 * version's manifest declares and its tier does not allow can be approved; the approval
 * holds for later versions that still declare it. With `once`, a key naming the request (a
 * comment GitHub may deliver again), the same key asked again records nothing more and
 * issues the credentials again: a crash after recording may have come before they were.
 */
export async function approveCapability(
  ctx: IdentityContext,
  agentId: Subject,
  capability: string,
  opts: { by: string; reason?: string; via: string; once?: string },
): Promise<{ approval: CapabilityApproval; issued: IssuedCredentials }> {
  const fail = (problem: string) =>
    createError('WOW_ERR_CAPABILITY_APPROVAL', { capability: capability.slice(0, 80), agent: agentId, problem });
  if (agentId === 'platform') throw fail('the platform holds no capability credentials; approve for an agent');
  if (capability.length > 100 || !capabilityPattern.test(capability))
    throw fail(`expected a capability as agent.yml writes it: ${capabilityForms}`);
  if (!loginPattern.test(opts.by)) throw fail("--by must be the approver's GitHub login");
  const reason = (opts.reason ?? '').trim();
  if (reason.length > maxReason) throw fail(`the reason is longer than ${maxReason} characters`);
  const version = await activeAgentVersion(ctx.db, agentId);
  if (version === undefined) throw fail('the agent has no Active version; deploy it first (`wow deploy`)');
  if (!version.manifest.capabilities.includes(capability))
    throw fail(
      `its Active version (${version.version}) does not declare it in agent.yml; only declared capabilities are approved`,
    );
  if (allowedCapabilities(version.manifest.tier).includes(capability))
    throw fail(`its tier (${version.manifest.tier ?? 'none: Custom'}) allows it already; nothing waits for approval`);

  const approval: CapabilityApproval = {
    capability,
    approvedBy: opts.by,
    approvedAt: ctx.clock(),
    reason: reason === '' ? 'no reason given' : reason,
    via: opts.via,
  };
  const recorded = await recordApproval(ctx.db, agentId, approval, opts.once);
  ctx.log.info(
    { agent: agentId, capability, by: opts.by, via: opts.via },
    recorded ? 'capability approved' : 'capability approved before, by the same request',
  );
  return { approval, issued: await issueCredentials(ctx, version, { actor: `${opts.via} (${opts.by})` }) };
}
