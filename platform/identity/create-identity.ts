import type { JWTPayload } from 'did-jwt';
import type { MessageGuard } from '../bus/bus.ts';
import type { DIDDocument, Resolver } from 'did-resolver';
import type { IdentitySettings } from '../config/load-config.ts';
import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/store.ts';
import { attestedTreeHash } from './attestation/attested-tree-hash.ts';
import { approveCapability } from './credentials/approve-capability.ts';
import type { CapabilityApproval } from './credentials/approvals.ts';
import { createCapabilityReader, type CapabilityReader } from './credentials/capabilities-of.ts';
import type { IssuedCredentials } from './credentials/issue-credentials.ts';
import {
  ensureCredentials,
  ensureWorkingTreeCredentials,
  renewDueCredentials,
  type EnsuredCredentials,
  type RenewOutcome,
} from './credentials/renew-credentials.ts';
import { createDidResolver } from './did/create-did-resolver.ts';
import { buildDidDocument } from './did/did-document.ts';
import { assertSubjectValid, didHostOf, didOf } from './did/did-web.ts';
import type { AgentManifest } from '../agent/manifest-schema.ts';
import { ensureIdentity, type EnsuredIdentity } from './ensure-identity.ts';
import type { IdentityContext } from './identity-context.ts';
import { listKeys, listSubjects, subjectsSigningSince } from './identity-keys.ts';
import { createKmsDrivers, type KmsDrivers } from './kms/create-kms.ts';
import { issueStatusLists, statusListJwt, type StatusPurpose } from './status/status-list.ts';
import {
  changeLifecycle,
  lifecycleOf,
  type LifecycleChange,
  type LifecycleState,
} from './lifecycle/agent-lifecycle.ts';
import { createMessageGuard, type MessageGuardOptions } from './messages/create-message-guard.ts';
import { retireExpiredKeys, type RetireOutcome } from './retire-keys.ts';
import { rotateKey, type Rotation } from './rotate-key.ts';
import { showIdentity, type IdentityView } from './show-identity.ts';
import { signJwt, type SignJwtOptions } from './sign-jwt.ts';
import { verifyJwt, type VerifiedJwt, type VerifyJwtOptions } from './verify-jwt.ts';

/**
 * The platform's identities: the platform's DID and each agent's, their keys in the KMS,
 * and JWTs signed and verified with them. A subject is "platform" or an agent id; every
 * method checks it.
 */
export interface Identity extends CapabilityReader {
  /** The did:web host every DID here is under. */
  readonly host: string;
  /** Resolves this platform's DIDs from the database (and no other DID). */
  readonly resolver: Resolver;
  readonly kms: KmsDrivers;
  didOf(subject: string): string;
  /** Every subject that has a signing key. */
  subjects(): Promise<string[]>;
  /** The DID document served for the subject now; undefined if it has no key in it. */
  document(subject: string): Promise<DIDDocument | undefined>;
  ensure(subject: string, opts: { actor: string }): Promise<EnsuredIdentity>;
  rotate(subject: string, opts: { actor: string; reason: string }): Promise<Rotation>;
  /** Rotates every key that has signed for IDENTITY_ROTATION_SECONDS (none when it is 0). */
  rotateDue(opts: { actor: string }): Promise<Rotation[]>;
  retireExpired(opts: { actor: string }): Promise<RetireOutcome>;
  show(subject: string): Promise<IdentityView | undefined>;
  signJwt(
    subject: string,
    payload: Omit<JWTPayload, 'iss' | 'aud' | 'iat' | 'exp'>,
    opts: SignJwtOptions,
  ): Promise<string>;
  /** Capability and attestation credentials of deployed agent versions, issued by the platform's DID. */
  readonly credentials: {
    /**
     * Gives the agent's Active version live credentials if it lacks them or they are due
     * (`force`: new ones regardless), and says what its tier withholds. Undefined when the
     * agent has no Active version.
     */
    ensure(agentId: string, opts: { actor: string; force?: boolean }): Promise<EnsuredCredentials | undefined>;
    /** The same for an agent run from its folder, never deployed (renew-credentials.ts). */
    ensureWorkingTree(manifest: AgentManifest, opts: { actor: string }): Promise<EnsuredCredentials | undefined>;
    /** Renews every Active version's credentials that are due (the upkeep schedule calls it). */
    renewDue(opts: { actor: string }): Promise<RenewOutcome>;
    /** Approves a declared capability beyond the agent's tier and issues credentials that hold it. */
    approve(
      agentId: string,
      capability: string,
      opts: { by: string; reason?: string; via: string; once?: string },
    ): Promise<{ approval: CapabilityApproval; issued: IssuedCredentials }>;
  };
  /**
   * The tree hash the platform's live, verified attestation gives the agent's version
   * `treeHash` (issuing it first if missing or due); WOW_ERR_ATTESTATION otherwise.
   */
  attestedTreeHash(agentId: string, treeHash: string): Promise<string>;
  /** Suspension and revocation, with who and why (platform/identity/lifecycle). */
  readonly lifecycle: {
    of(agentId: string): Promise<LifecycleState>;
    change(
      agentId: string,
      change: LifecycleChange,
      opts: { actor: string; reason: string },
    ): Promise<{ state: LifecycleState; previous: LifecycleState }>;
    /** The signed BitstringStatusListCredential the server publishes at /identity/status/<purpose>. */
    statusList(purpose: StatusPurpose): Promise<string | undefined>;
  };
  /** Signs the bus's messages as their senders and verifies every delivery (createBus's `guard`). */
  messageGuard(opts: MessageGuardOptions): MessageGuard;
  /** `verifyJwt` with this platform's resolver and clock unless given others. */
  verifyJwt(
    jwt: string,
    opts: Omit<VerifyJwtOptions, 'resolver'> & { resolver?: VerifyJwtOptions['resolver'] },
  ): Promise<VerifiedJwt>;
}

export async function createIdentity(opts: {
  settings: IdentitySettings;
  store: Store;
  log: Logger;
  /** Default: the system clock; tests move it past publish and grace periods. */
  clock?: () => Date;
  /** Default: the drivers the settings describe; tests hand in one pointed at a double. */
  kms?: KmsDrivers;
}): Promise<Identity> {
  const clock = opts.clock ?? (() => new Date());
  const host = didHostOf(opts.settings.publicUrl);
  const ctx: IdentityContext = {
    db: opts.store,
    kms: opts.kms ?? (await createKmsDrivers({ settings: opts.settings.kms, db: opts.store, log: opts.log })),
    host,
    settings: opts.settings,
    clock,
    now: opts.clock === undefined ? Date.now : () => clock().getTime(),
    log: opts.log,
  };
  const resolver = createDidResolver({ db: opts.store, host, clock });
  const reader = createCapabilityReader(ctx, resolver);
  return {
    ...reader,
    host,
    resolver,
    kms: ctx.kms,
    lifecycle: {
      of: async (agentId) => lifecycleOf(opts.store, assertSubjectValid(agentId)),
      change: async (agentId, change, o) => {
        const changed = await changeLifecycle(opts.store, assertSubjectValid(agentId), change, { ...o, now: clock() });
        // Published at once for verifiers outside; runtimes read the lifecycle table itself.
        await issueStatusLists(ctx, { actor: o.actor });
        return changed;
      },
      statusList: (purpose) => statusListJwt(opts.store, purpose),
    },
    messageGuard: (o) => createMessageGuard(ctx, reader, o),
    didOf: (subject) => didOf(host, assertSubjectValid(subject)),
    subjects: () => listSubjects(opts.store),
    async document(subject) {
      const valid = assertSubjectValid(subject);
      return buildDidDocument(didOf(host, valid), await listKeys(opts.store, valid), clock());
    },
    // async: a bad subject rejects the promise, as every other failure does.
    ensure: async (subject, o) => ensureIdentity(ctx, assertSubjectValid(subject), o),
    rotate: async (subject, o) => rotateKey(ctx, assertSubjectValid(subject), o),
    async rotateDue(o) {
      if (ctx.settings.rotationSeconds === 0) return [];
      const since = new Date(clock().getTime() - ctx.settings.rotationSeconds * 1000);
      const rotations: Rotation[] = [];
      for (const subject of await subjectsSigningSince(opts.store, since))
        rotations.push(await rotateKey(ctx, subject, { actor: o.actor, reason: 'rotation period reached' }));
      return rotations;
    },
    retireExpired: (o) => retireExpiredKeys(ctx, o),
    show: async (subject) => showIdentity(ctx, assertSubjectValid(subject)),
    signJwt: async (subject, payload, o) => signJwt(ctx, assertSubjectValid(subject), payload, o),
    credentials: {
      ensure: async (agentId, o) => ensureCredentials(ctx, assertSubjectValid(agentId), o),
      ensureWorkingTree: async (manifest, o) =>
        ensureWorkingTreeCredentials(ctx, { ...manifest, id: assertSubjectValid(manifest.id) }, o),
      renewDue: (o) => renewDueCredentials(ctx, o),
      approve: async (agentId, capability, o) => approveCapability(ctx, assertSubjectValid(agentId), capability, o),
    },
    attestedTreeHash: async (agentId, treeHash) =>
      attestedTreeHash(ctx, resolver, assertSubjectValid(agentId), treeHash),
    verifyJwt: (jwt, o) => verifyJwt(jwt, { ...o, resolver: o.resolver ?? resolver, now: o.now ?? clock() }),
  };
}
