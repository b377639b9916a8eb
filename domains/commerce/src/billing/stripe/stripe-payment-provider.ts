import type { PgQueryable } from '#platform';
import type { PaymentProvider } from '../payment-provider.ts';
import { chargeWithStripe } from './stripe-charges.ts';
import { createStripeClient } from './stripe-client.ts';
import { ensureStripeCustomer } from './stripe-customers.ts';
import type { StripeApi } from './stripe-settings.ts';

/**
 * The payment provider port on Stripe: organisations become Stripe customers (stored in
 * commerce_stripe_customers), invoices are charged as INR PaymentIntents. Chosen when
 * STRIPE_SECRET_KEY is set (`stripeSettings`' `api`); the manual driver bills otherwise.
 */
export function createStripePaymentProvider(deps: { db: PgQueryable; api: StripeApi }): PaymentProvider {
  const stripe = createStripeClient(deps.api);
  return {
    name: 'stripe',
    ensureCustomer: (org) => ensureStripeCustomer({ db: deps.db, stripe }, org),
    charge: (request) => chargeWithStripe({ db: deps.db, stripe }, request),
  };
}
