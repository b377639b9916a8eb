import type { Store } from '#platform';
import {
  createManualPayments,
  createStripePaymentProvider,
  loadPricing,
  type BillingTerms,
  type StripeApi,
} from '#domains/commerce';
import { soldAgents, type AgentForSale } from './sold-agents.ts';

/** What the billing door is built from: the prices and provider, the agents for hire, and the cycle's interval. */
export interface BillingDeps {
  terms: BillingTerms;
  agents: Map<string, AgentForSale>;
  cycleSeconds: number;
}

/**
 * The server's billing, with defaults for what is not given: config/pricing.yml, Stripe when
 * STRIPE_SECRET_KEY is set and else the manual driver (bank transfer, `wow billing
 * mark-paid`), and the agents with a `catalog:` in `agentsDir`; the billing cycle runs every
 * five minutes.
 */
export async function billingDeps(
  given: Partial<BillingDeps>,
  agentsDir: string,
  providers: { store: Store; stripe: StripeApi | undefined },
): Promise<BillingDeps> {
  const provider =
    providers.stripe === undefined
      ? createManualPayments()
      : createStripePaymentProvider({ db: providers.store, api: providers.stripe });
  return {
    terms: given.terms ?? { pricing: await loadPricing('config/pricing.yml'), provider },
    agents: given.agents ?? (await soldAgents(agentsDir)),
    cycleSeconds: given.cycleSeconds ?? 300,
  };
}
