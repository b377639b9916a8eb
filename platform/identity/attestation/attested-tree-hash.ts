import type { Resolvable } from 'did-resolver';
import { didOf } from '../did/did-web.ts';
import { createError } from '../errors.ts';
import type { IdentityContext } from '../identity-context.ts';
import { activeCredentialOf } from '../credentials/credential-records.ts';
import { ensureCredentials } from '../credentials/renew-credentials.ts';
import { verifyCredentialJwt } from '../credentials/verify-credential.ts';

/**
 * The tree hash the platform attests for the agent's version `treeHash`, from its live
 * attestation credential, verified. A runtime asks before it starts a deployed version;
 * credentials that are missing or due (the platform was down past their expiry) are issued
 * first. Throws WOW_ERR_ATTESTATION when the version is not the Active one, or its
 * attestation does not verify or speaks of other code.
 */
export async function attestedTreeHash(
  ctx: IdentityContext,
  resolver: Resolvable,
  agentId: string,
  treeHash: string,
): Promise<string> {
  const fail = (problem: string) =>
    createError('WOW_ERR_ATTESTATION', { agent: agentId, treeHash: treeHash.slice(0, 12), problem });
  if ((await ensureCredentials(ctx, agentId, { actor: 'runtime' })) === undefined)
    throw fail('the agent has no Active version');
  const record = await activeCredentialOf(ctx.db, agentId, 'attestation');
  if (record?.treeHash !== treeHash) throw fail('it is not the Active version, which alone is attested');
  let subject: Record<string, unknown>;
  try {
    subject = (
      await verifyCredentialJwt(record.jwt, {
        resolver,
        issuer: didOf(ctx.host, 'platform'),
        subject: didOf(ctx.host, agentId),
        kind: 'attestation',
        now: ctx.clock(),
      })
    ).credentialSubject;
  } catch (err) {
    throw fail(`its attestation does not verify: ${(err as Error).message}`);
  }
  if (subject.treeHash !== treeHash || subject.agentId !== agentId) throw fail('its attestation speaks of other code');
  return treeHash;
}
