import type { FastifyPluginAsync } from 'fastify';
import type { Logger, Store } from '#platform';
import { runBillingCycle, type BillingTerms } from '#domains/commerce';
import { accountCookies } from '../accounts/account-cookies.ts';
import { runEvery, sendApiProblem, sendPageProblem, useAccountForms } from '../accounts/form-door.ts';
import { billingPageRoutes } from './billing-page-routes.ts';
import type { BillingContext } from './billing-context.ts';
import type { AgentForSale } from './sold-agents.ts';
import { subscriptionApi } from './subscription-api.ts';

export interface BillingDoorOptions {
  store: Store;
  terms: BillingTerms;
  agents: Map<string, AgentForSale>;
  /** PUBLIC_URL: https makes the accounts' cookies `__Host-`, and billing reads the same ones. */
  publicUrl: string;
  clock: () => Date;
  log: Logger;
  /** How often the billing cycle (renewals, retries, suspensions) runs in this server; 0: never (tests run it themselves). */
  cycleSeconds: number;
}

/**
 * Billing's doors: the subscriptions API and the organisation's billing pages, with the
 * accounts' session and CSRF cookies (same names, same double-submit secret), and the
 * billing cycle's clock in this server.
 */
export const billingDoor: FastifyPluginAsync<BillingDoorOptions> = async (app, opts) => {
  const cookies = accountCookies(opts.publicUrl.startsWith('https:'));
  await useAccountForms(app, cookies);
  const ctx: BillingContext = {
    store: opts.store,
    terms: opts.terms,
    agents: opts.agents,
    cookies,
    clock: opts.clock,
    log: opts.log,
    supplier: 'WAOOAW',
  };
  subscriptionApi(app, ctx);
  billingPageRoutes(app, ctx);

  runEvery(app, opts.cycleSeconds, () => runBillingCycle(opts.store, opts.terms, opts.clock()), {
    log: opts.log,
    message: 'the billing cycle failed; it runs again at the next tick',
  });

  app.setErrorHandler((err, req, reply) =>
    req.url.startsWith('/api/')
      ? sendApiProblem(err, req, reply, 'subscriptions API')
      : sendPageProblem(err, req, reply, { href: '/account', label: 'Back to your account' }, 'billing page'),
  );
};
