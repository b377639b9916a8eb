import { randomUUID } from 'node:crypto';
import { createVerifiableCredentialJwt, type JwtCredentialPayload } from 'did-jwt-vc';
import { approvalWaitingEventType, approvalWaitingSource } from '../../bus/platform-events.ts';
import { createEvent } from '../../bus/envelope.ts';
import { enqueueOutbox } from '../../outbox/enqueue-outbox.ts';
import { didOf } from '../did/did-web.ts';
import { ensureIdentity } from '../ensure-identity.ts';
import { createError } from '../errors.ts';
import type { IdentityContext } from '../identity-context.ts';
import { signingKeyOf } from '../identity-keys.ts';
import type { ActiveAgentVersion } from './active-versions.ts';
import { listApprovals } from './approvals.ts';
import { grantedNames, grantFor, type CapabilityGrant } from './capability-grant.ts';
import { activeCredentialOf, recordCredential, type CredentialKind } from './credential-records.ts';
import { credentialsContext, credentialTyp } from './credential-format.ts';
import { kmsSigner } from './kms-signer.ts';
import { statusEntries, statusIndexOf } from '../status/status-list.ts';

/** The credential types, in `vc.type` after VerifiableCredential. */
export const credentialTypes: Readonly<Record<CredentialKind, string>> = {
  capability: 'AgentCapabilityCredential',
  attestation: 'AgentCodeAttestation',
};

/** What a capability credential says of its subject (besides `id`, carried as `sub`). */
export interface CapabilitySubject extends CapabilityGrant {
  agentId: string;
  version: string;
  treeHash: string;
  tier: string;
}

/** What an attestation says of its subject: which code the version is. */
export interface AttestationSubject {
  agentId: string;
  version: string;
  treeHash: string;
  commit: string;
}

export interface IssuedCredentials {
  agentId: string;
  treeHash: string;
  capability: { jti: string; expiresAt: Date; grant: CapabilityGrant; withheld: string[] };
  attestation: { jti: string; expiresAt: Date };
}

/**
 * Issues the version its two credentials, signed by the platform's DID through the KMS
 * (did-jwt-vc, EdDSA): a capability credential with what its manifest declares that its
 * tier allows or someone approved, the types it emits and the tables it owns; and an
 * attestation of its folder's git tree hash. Both live IDENTITY_CREDENTIAL_TTL_SECONDS and
 * supersede the agent's previous ones in one transaction. A deployed version's credential
 * that withholds a capability its previous one did not announces `identity.approval.waiting`
 * in that transaction, so the operators hear of each once, when it starts to wait; renewals
 * withholding the same say nothing again.
 */
export async function issueCredentials(
  ctx: IdentityContext,
  version: ActiveAgentVersion,
  opts: {
    actor: string;
    /** False for an agent run from its folder: nothing can be approved before it is deployed (an Active version). */
    approvable?: boolean;
  },
): Promise<IssuedCredentials> {
  const { agentId } = version;
  await ensureIdentity(ctx, 'platform', { actor: opts.actor });
  const subjectDid = (await ensureIdentity(ctx, agentId, { actor: opts.actor })).did;
  const issuerDid = didOf(ctx.host, 'platform');
  const now = ctx.clock();
  const key = await signingKeyOf(ctx.db, 'platform', now);
  if (key === undefined) throw createError('WOW_ERR_IDENTITY_NO_KEY', { did: issuerDid });
  const kid = `${issuerDid}#${key.fragment}`;
  const issuer = { did: issuerDid, signer: kmsSigner(ctx.kms.driver(key.kms), key.keyRef), alg: 'EdDSA' };
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ctx.settings.credentialTtlSeconds;
  // A capability credential points at the agent's bits in the status lists (suspension, revocation).
  const credentialStatus = statusEntries(ctx.settings.publicUrl, await statusIndexOf(ctx.db, agentId));
  const sign = async (kind: CredentialKind, credentialSubject: CapabilitySubject | AttestationSubject) => {
    const jti = `urn:uuid:${randomUUID()}`;
    const payload: JwtCredentialPayload = {
      sub: subjectDid,
      jti,
      iat,
      nbf: iat,
      exp,
      vc: {
        '@context': [credentialsContext],
        type: ['VerifiableCredential', credentialTypes[kind]],
        credentialSubject: { ...credentialSubject },
        // did-jwt-vc types one entry; the data model allows a list (one per purpose).
        ...(kind === 'capability'
          ? { credentialStatus: credentialStatus as unknown as { id: string; type: string } }
          : {}),
      },
    };
    const jwt = await createVerifiableCredentialJwt(payload, issuer, {
      // did-jwt types typ as 'JWT' only; the JOSE header takes any media type (RFC 7515).
      header: { kid, typ: credentialTyp as 'JWT' },
    });
    return { jti, jwt };
  };

  const approved = new Set((await listApprovals(ctx.db, agentId)).map((a) => a.capability));
  const { grant, withheld } = grantFor(version.manifest, approved);
  const base = { agentId, version: version.version, treeHash: version.treeHash };
  const capability = await sign('capability', { ...base, tier: version.manifest.tier ?? 'Custom', ...grant });
  const attestation = await sign('attestation', { ...base, commit: version.commit });
  const issuedAt = new Date(iat * 1000);
  const expiresAt = new Date(exp * 1000);
  const record = { agentId, treeHash: version.treeHash, kid, issuedAt, expiresAt, issuedBy: opts.actor };
  await ctx.db.transaction(async (tx) => {
    // Two issuers of one agent at once take turns; the later supersedes the earlier.
    await tx.query(`select pg_advisory_xact_lock(hashtext('wow:credentials:' || $1))`, [agentId]);
    const before = new Set((await activeCredentialOf(tx, agentId, 'capability'))?.withheld ?? []);
    if (opts.approvable !== false && withheld.some((c) => !before.has(c)))
      await enqueueOutbox(
        tx,
        createEvent({
          source: approvalWaitingSource,
          type: approvalWaitingEventType,
          subject: agentId,
          partitionkey: agentId,
          data: {
            agentId,
            version: version.version.slice(0, 100),
            treeHash: version.treeHash,
            tier: version.manifest.tier ?? 'Custom',
            capabilities: withheld.slice(0, 50),
            at: issuedAt.toISOString(),
          },
        }),
      );
    await recordCredential(tx, {
      ...record,
      ...capability,
      kind: 'capability',
      capabilities: grantedNames(grant),
      withheld,
    });
    await recordCredential(tx, { ...record, ...attestation, kind: 'attestation', capabilities: [], withheld: [] });
  });
  ctx.log.info(
    {
      agent: agentId,
      treeHash: version.treeHash,
      capabilities: grant.capabilities,
      withheld,
      expiresAt,
      actor: opts.actor,
    },
    withheld.length > 0
      ? `credentials issued; ${withheld.join(', ')} wait for approval (wow identity approve ${agentId} <capability> --by <login>)`
      : 'credentials issued',
  );
  return {
    agentId,
    treeHash: version.treeHash,
    capability: { jti: capability.jti, expiresAt, grant, withheld },
    attestation: { jti: attestation.jti, expiresAt },
  };
}
