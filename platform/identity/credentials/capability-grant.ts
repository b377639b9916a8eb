import type { AgentManifest } from '../../agent/manifest-schema.ts';
import { allowedCapabilities } from './tier-policy.ts';

/** What a capability credential grants an agent version. */
export interface CapabilityGrant {
  /** The manifest's capabilities its tier allows or someone approved, e.g. github:issues:write. */
  capabilities: string[];
  /** The event types it may emit (the manifest's `emits`). */
  emits: string[];
  /** The tables it owns (the manifest's `stores`). */
  stores: string[];
}

/** The capability an emitted event type is held as: `emit:<type>`. */
export const emitCapability = (type: string) => `emit:${type}`;
/** The capability an owned table is held as: `store:table:<name>`. */
export const tableCapability = (table: string) => `store:table:${table}`;

/**
 * What to issue for a manifest: every declared capability its tier allows or that is
 * approved, its emitted types and its tables; the declared capabilities left over are
 * withheld until someone approves them.
 */
export function grantFor(
  manifest: Pick<AgentManifest, 'tier' | 'capabilities' | 'emits' | 'stores'>,
  approved: ReadonlySet<string>,
): { grant: CapabilityGrant; withheld: string[] } {
  const allowed = new Set(allowedCapabilities(manifest.tier));
  const declared = [...new Set(manifest.capabilities)].sort();
  return {
    grant: {
      capabilities: declared.filter((c) => allowed.has(c) || approved.has(c)),
      emits: [...new Set(manifest.emits)].sort(),
      stores: [...new Set(manifest.stores)].sort(),
    },
    withheld: declared.filter((c) => !allowed.has(c) && !approved.has(c)),
  };
}

/** The grant as the flat list of capability names the table keeps and `holdsCapability` answers from. */
export function grantedNames(grant: CapabilityGrant): string[] {
  return [...grant.capabilities, ...grant.emits.map(emitCapability), ...grant.stores.map(tableCapability)];
}
