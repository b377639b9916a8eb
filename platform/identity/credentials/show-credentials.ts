import type { IdentityContext } from '../identity-context.ts';
import { listApprovals, type CapabilityApproval } from './approvals.ts';
import { credentialStateAt, listCredentials, type CredentialKind, type CredentialState } from './credential-records.ts';

/** One credential as `wow identity show` prints it. */
export interface CredentialView {
  /** Its jti. */
  id: string;
  kind: CredentialKind;
  /** The version it speaks of. */
  treeHash: string;
  /** What it grants (capability credentials): capabilities, `emit:<type>`, `store:table:<name>`. */
  capabilities: string[];
  /** What the manifest declares that waits for approval. */
  withheld: string[];
  issuedAt: Date;
  expiresAt: Date;
  status: CredentialState;
  issuedBy: string;
  /** The credential itself, a JWT: anyone can verify it against the served DID documents. */
  jwt: string;
}

export interface CredentialsView {
  /** Newest first; the last `shown` issued. */
  credentials: CredentialView[];
  /** The newest attestation of its code, if any. */
  attestation: CredentialView | null;
  approvals: CapabilityApproval[];
}

const shown = 20;

export async function showCredentials(ctx: IdentityContext, agentId: string): Promise<CredentialsView> {
  const now = ctx.clock();
  const credentials = (await listCredentials(ctx.db, agentId, shown)).map((r): CredentialView => ({
    id: r.jti,
    kind: r.kind,
    treeHash: r.treeHash,
    capabilities: r.capabilities,
    withheld: r.withheld,
    issuedAt: r.issuedAt,
    expiresAt: r.expiresAt,
    status: credentialStateAt(r, now),
    issuedBy: r.issuedBy,
    jwt: r.jwt,
  }));
  return {
    credentials,
    attestation: credentials.find((c) => c.kind === 'attestation') ?? null,
    approvals: await listApprovals(ctx.db, agentId),
  };
}
