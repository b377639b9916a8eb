import type { Resolvable } from 'did-resolver';
import { didOf } from '../did/did-web.ts';
import type { IdentityContext } from '../identity-context.ts';
import { emitCapability, tableCapability, type CapabilityGrant } from './capability-grant.ts';
import { activeCredentialOf } from './credential-records.ts';
import { lifecycleOf } from '../lifecycle/agent-lifecycle.ts';
import { verifyCredentialJwt } from './verify-credential.ts';

/** What an agent's live capability credential grants it, and which credential says so. */
export interface HeldCapabilities extends CapabilityGrant {
  agentId: string;
  did: string;
  /** The version the credential was issued to. */
  treeHash: string;
  jti: string;
  expiresAt: Date;
}

export interface CapabilityReader {
  /** The agent's live (unexpired, verified) grant; undefined when it has none. */
  capabilitiesOf(agentId: string): Promise<HeldCapabilities | undefined>;
  /**
   * Whether that grant holds `capability`: a manifest capability (`llm:complete`), an
   * emitted type as `emit:<type>`, or an owned table as `store:table:<name>`.
   */
  holdsCapability(agentId: string, capability: string): Promise<boolean>;
}

// Verified credentials by jti: a credential's JWT never changes, so it is checked once, and
// the store is still asked each time which one is active (a renewal supersedes at once).
const cacheSize = 1024;

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;

/**
 * Answers what agents hold from their credentials: the active one in the store, verified
 * with the platform's resolver, and refused (nothing held) when it fails verification or
 * has expired, so a missing renewal fails closed.
 */
export function createCapabilityReader(ctx: IdentityContext, resolver: Resolvable): CapabilityReader {
  const verified = new Map<string, HeldCapabilities>();
  const capabilitiesOf = async (agentId: string): Promise<HeldCapabilities | undefined> => {
    // Suspended or revoked: its credentials grant nothing, however long they would live.
    if ((await lifecycleOf(ctx.db, agentId)) !== 'active') return undefined;
    const record = await activeCredentialOf(ctx.db, agentId, 'capability');
    const now = ctx.clock();
    if (record === undefined || record.expiresAt.getTime() <= now.getTime()) return undefined;
    const cached = verified.get(record.jti);
    if (cached !== undefined) return cached;
    const did = didOf(ctx.host, agentId);
    try {
      const { credentialSubject } = await verifyCredentialJwt(record.jwt, {
        resolver,
        issuer: didOf(ctx.host, 'platform'),
        subject: did,
        kind: 'capability',
        now,
      });
      const capabilities = strings(credentialSubject.capabilities);
      const emits = strings(credentialSubject.emits);
      const stores = strings(credentialSubject.stores);
      if (capabilities === undefined || emits === undefined || stores === undefined)
        throw new Error('its subject lacks the capabilities, emits and stores lists');
      const held: HeldCapabilities = {
        agentId,
        did,
        treeHash: record.treeHash,
        jti: record.jti,
        expiresAt: record.expiresAt,
        capabilities,
        emits,
        stores,
      };
      if (verified.size >= cacheSize) verified.delete(verified.keys().next().value as string);
      verified.set(record.jti, held);
      return held;
    } catch (err) {
      ctx.log.warn(
        { err, agent: agentId, jti: record.jti },
        'identity: an active capability credential failed verification; it grants nothing',
      );
      return undefined;
    }
  };
  return {
    capabilitiesOf,
    async holdsCapability(agentId, capability) {
      const held = await capabilitiesOf(agentId);
      if (held === undefined) return false;
      return (
        held.capabilities.includes(capability) ||
        held.emits.some((type) => emitCapability(type) === capability) ||
        held.stores.some((table) => tableCapability(table) === capability)
      );
    },
  };
}
