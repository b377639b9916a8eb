import type { AgentManifest } from '#platform';
import { createError } from '../errors.ts';

const customerTiers: ReadonlySet<string> = new Set(['Marketing', 'Education', 'Sales', 'Custom']);

/** A customer-facing agent: a customer tier and a marketplace card (`catalog:`); the platform's CoE agents are not for hire. */
export const isCustomerFacing = (manifest: AgentManifest): boolean =>
  manifest.tier !== undefined && customerTiers.has(manifest.tier) && manifest.catalog !== undefined;

/** Whether the organisation may see and hire the agent: any, unless it is another organisation's custom agent (`catalog.privateTo`). */
export const servesOrganisation = (manifest: AgentManifest, organisationId: string | undefined): boolean =>
  manifest.catalog?.privateTo === undefined || manifest.catalog.privateTo === organisationId;

/** The customer-facing agent of this id among the manifests (loadManifests'), or WOW_ERR_TRIAL_AGENT. */
export function customerFacingAgent(manifests: readonly AgentManifest[], agentId: string): AgentManifest {
  const manifest = manifests.find((m) => m.id === agentId);
  if (manifest === undefined || !isCustomerFacing(manifest))
    throw createError('WOW_ERR_TRIAL_AGENT', { agentId: agentId.slice(0, 64) });
  return manifest;
}
