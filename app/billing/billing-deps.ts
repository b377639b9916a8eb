import { createManualPayments, loadPricing, type BillingTerms } from '#domains/commerce';
import { soldAgents, type AgentForSale } from './sold-agents.ts';

/** What the billing door is built from: the prices and provider, the agents for hire, and the cycle's interval. */
export interface BillingDeps {
  terms: BillingTerms;
  agents: Map<string, AgentForSale>;
  cycleSeconds: number;
}

/**
 * The server's billing, with defaults for what is not given: config/pricing.yml, the manual
 * driver (bank transfer, `wow billing mark-paid`) and the agents with a `catalog:` in
 * `agentsDir`; the billing cycle runs every five minutes.
 */
export async function billingDeps(given: Partial<BillingDeps>, agentsDir: string): Promise<BillingDeps> {
  return {
    terms: given.terms ?? { pricing: await loadPricing('config/pricing.yml'), provider: createManualPayments() },
    agents: given.agents ?? (await soldAgents(agentsDir)),
    cycleSeconds: given.cycleSeconds ?? 300,
  };
}
