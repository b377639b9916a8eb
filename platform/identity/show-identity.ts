import {
  lifecycleHistory,
  lifecycleOf,
  type LifecycleEvent,
  type LifecycleState,
} from './lifecycle/agent-lifecycle.ts';
import { didOf, type Subject } from './did/did-web.ts';
import { showCredentials, type CredentialsView } from './credentials/show-credentials.ts';
import type { IdentityContext } from './identity-context.ts';
import { keyStateAt, listKeyEvents, listKeys, type KeyEvent, type KeyState } from './identity-keys.ts';
import type { KmsDriver } from './kms/kms.ts';

export interface IdentityView extends CredentialsView {
  subject: Subject;
  did: string;
  keys: Array<{
    kid: string;
    state: KeyState;
    kms: KmsDriver;
    /** The key in its KMS (an id or ARN, not key material). */
    keyRef: string;
    createdAt: Date;
    signsFrom: Date;
    signsUntil: Date | null;
    verifiesUntil: Date | null;
    retiredAt: Date | null;
  }>;
  history: Array<{ kid: string; event: KeyEvent; at: Date; actor: string; reason: string }>;
  /** An agent's lifecycle beyond deploys (the platform: always active, no history). */
  lifecycle: { state: LifecycleState; history: LifecycleEvent[] };
}

/**
 * The subject's DID, every key it has had with its state now, and the audit trail; for an
 * agent also its credentials, attestation and approvals. Undefined if it has no key.
 */
export async function showIdentity(ctx: IdentityContext, subject: Subject): Promise<IdentityView | undefined> {
  const keys = await listKeys(ctx.db, subject);
  if (keys.length === 0) return undefined;
  const did = didOf(ctx.host, subject);
  const now = ctx.clock();
  return {
    subject,
    did,
    keys: keys.map((k) => ({
      kid: `${did}#${k.fragment}`,
      state: keyStateAt(k, now),
      kms: k.kms,
      keyRef: k.keyRef,
      createdAt: k.createdAt,
      signsFrom: k.signsFrom,
      signsUntil: k.signsUntil,
      verifiesUntil: k.verifiesUntil,
      retiredAt: k.retiredAt,
    })),
    history: (await listKeyEvents(ctx.db, subject)).map(({ fragment, ...entry }) => ({
      kid: `${did}#${fragment}`,
      ...entry,
    })),
    lifecycle:
      subject === 'platform'
        ? { state: 'active', history: [] }
        : { state: await lifecycleOf(ctx.db, subject), history: await lifecycleHistory(ctx.db, subject) },
    ...(subject === 'platform'
      ? { credentials: [], attestation: null, approvals: [] }
      : await showCredentials(ctx, subject)),
  };
}
