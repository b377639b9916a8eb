import type { FastifyPluginAsync } from 'fastify';
import type { PlanId, Pricing, SoldAgent } from '#domains/commerce';
import { sendMarketplacePage } from './marketplace-layout.ts';
import { renderPricing } from './pricing-page.ts';
import { readRoi } from './roi.ts';

export interface PricingPageOptions {
  /** Billing's prices (config/pricing.yml): the page shows what customers are charged. */
  pricing: Pricing;
  /** The agents for hire, for the names listed under each plan. */
  agents: ReadonlyMap<string, SoldAgent & { name: string }>;
}

/**
 * `/pricing` for prospects, no sign-in: the plans and the ROI calculator. The calculator is
 * a GET form, so it works without JavaScript and its result is a link one can share; a
 * field that is wrong answers 400 with the form and each problem.
 */
export const pricingPage: FastifyPluginAsync<PricingPageOptions> = async (app, opts) => {
  const agentsByPlan = new Map<PlanId, string[]>();
  for (const agent of [...opts.agents.values()].sort((a, b) => a.name.localeCompare(b.name)))
    agentsByPlan.set(agent.priceTier, [...(agentsByPlan.get(agent.priceTier) ?? []), agent.name]);

  app.get('/pricing', { schema: { hide: true } }, async (req, reply) => {
    const roi = readRoi(req.query as Record<string, unknown>, opts.pricing);
    return sendMarketplacePage(
      reply,
      roi.errors.length > 0 ? 400 : 200,
      renderPricing({ pricing: opts.pricing, agentsByPlan, ...roi }),
    );
  });
};
