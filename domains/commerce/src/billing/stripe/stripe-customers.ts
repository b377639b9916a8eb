import Stripe from 'stripe';
import type { PgQueryable } from '#platform';
import { stripeFailure } from './stripe-failures.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The organisation's Stripe customer id as stored, if it has one. */
export async function storedStripeCustomer(db: PgQueryable, organisationId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ customer_id: string }>(
    'select customer_id from commerce_stripe_customers where organisation_id = $1',
    [organisationId],
  );
  return rows[0]?.customer_id;
}

/** A customer Stripe holds for the organisation, by the metadata the driver gives each. */
async function searchedCustomer(stripe: Stripe, organisationId: string): Promise<string | undefined> {
  try {
    const found = await stripe.customers.search({ query: `metadata['organisation_id']:'${organisationId}'`, limit: 1 });
    return found.data[0]?.id;
  } catch (err) {
    // Search is not offered to every account (Stripe's docs: not to merchants in India);
    // the idempotent creation after it still makes one customer.
    if (err instanceof Stripe.errors.StripeInvalidRequestError && err.statusCode === 400) return undefined;
    throw err;
  }
}

/**
 * The organisation's customer at Stripe, made once: (1) the id stored here; (2) else a
 * customer Stripe already holds for it (its metadata names the organisation), for a
 * creation whose answer was lost after Stripe made it; (3) else a new one, under an
 * idempotency key of the organisation, so that two callers at once, or a retry within
 * Stripe's 24 hours, get the same customer. Search lags writes by up to a minute, hence (3)'s key.
 */
export async function ensureStripeCustomer(
  deps: { db: PgQueryable; stripe: Stripe },
  org: { id: string; name: string; email: string },
): Promise<string> {
  if (!uuid.test(org.id))
    throw new TypeError(`ensureCustomer takes an organisation's id (a UUID), not "${org.id.slice(0, 40)}"`);
  const stored = await storedStripeCustomer(deps.db, org.id);
  if (stored !== undefined) return stored;
  let customerId: string;
  try {
    customerId =
      (await searchedCustomer(deps.stripe, org.id)) ??
      (
        await deps.stripe.customers.create(
          { name: org.name.slice(0, 256), email: org.email, metadata: { organisation_id: org.id } },
          { idempotencyKey: `wow-customer-${org.id}` },
        )
      ).id;
  } catch (err) {
    throw stripeFailure(err, `make organisation ${org.id} a customer`);
  }
  await deps.db.query(
    'insert into commerce_stripe_customers (organisation_id, customer_id) values ($1, $2) on conflict (organisation_id) do nothing',
    [org.id, customerId],
  );
  return (await storedStripeCustomer(deps.db, org.id)) ?? customerId;
}
