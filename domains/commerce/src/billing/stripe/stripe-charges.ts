import Stripe from 'stripe';
import type { PgQueryable } from '#platform';
import type { ChargeRequest, ChargeResult } from '../payment-provider.ts';
import { storedStripeCustomer } from './stripe-customers.ts';
import { declineOutcome, isTransient, stripeFailure } from './stripe-failures.ts';

/** The card the customer saved (a SetupIntent or the customer portal sets it), if any. */
async function savedPaymentMethod(stripe: Stripe, customerId: string): Promise<string | undefined> {
  const customer = await stripe.customers.retrieve(customerId);
  if (customer.deleted === true) return undefined;
  const method = customer.invoice_settings.default_payment_method;
  return typeof method === 'string' ? method : method?.id;
}

/** A PaymentIntent's state as the port's result: succeeded is paid; anything still open waits for the customer or the bank. */
function resultOf(intent: Stripe.PaymentIntent): ChargeResult {
  if (intent.status === 'succeeded') return { status: 'paid', providerRef: intent.id };
  if (intent.status === 'canceled')
    return {
      status: 'failed',
      providerRef: intent.id,
      reason: 'The payment was cancelled at Stripe.',
      retryable: false,
    };
  // requires_payment_method / requires_confirmation / requires_action: the customer completes it
  // on our page with Stripe.js; processing: the bank answers later (UPI, net banking). The
  // webhook tells which way it went.
  return { status: 'pending', providerRef: intent.id };
}

/**
 * Charges an invoice through a PaymentIntent in INR (integer paise), tagged with the
 * invoice and organisation in its metadata (the webhook reads them back). With a saved
 * card it is confirmed at once, off session; without one it is left for the customer to
 * complete (pending). One idempotency key per attempt: Stripe answers a repeat of the same
 * request (the SDK's own retries, or ours after a lost answer) with the first result and
 * charges once; a key is kept by Stripe for 24 hours and cannot be used for other parameters.
 */
export async function chargeWithStripe(
  deps: { db: PgQueryable; stripe: Stripe },
  request: ChargeRequest,
): Promise<ChargeResult> {
  if (!Number.isSafeInteger(request.amountPaise) || request.amountPaise <= 0)
    throw new RangeError(`a charge is a positive whole number of paise, not ${request.amountPaise}`);
  const customerId = await storedStripeCustomer(deps.db, request.organisationId);
  let paymentMethod: string | undefined;
  try {
    paymentMethod = customerId === undefined ? undefined : await savedPaymentMethod(deps.stripe, customerId);
    const intent = await deps.stripe.paymentIntents.create(
      {
        amount: request.amountPaise,
        currency: request.currency,
        description: request.description.slice(0, 1000),
        metadata: { invoice_id: request.invoiceId, organisation_id: request.organisationId },
        ...(customerId === undefined ? {} : { customer: customerId }),
        // Off session nobody can follow a redirect, and Stripe wants a return_url for any
        // confirmation that might redirect: a saved card never needs one.
        ...(paymentMethod === undefined
          ? { automatic_payment_methods: { enabled: true } }
          : {
              automatic_payment_methods: { enabled: true, allow_redirects: 'never' as const },
              payment_method: paymentMethod,
              confirm: true,
              off_session: true,
            }),
      },
      { idempotencyKey: request.idempotencyKey },
    );
    return resultOf(intent);
  } catch (err) {
    if (err instanceof Stripe.errors.StripeCardError) {
      const providerRef = err.payment_intent?.id;
      // The bank wants the cardholder to authenticate (3-D Secure, India's e-mandate rules):
      // the same PaymentIntent can be confirmed on session, so it waits for the customer.
      if (err.code === 'authentication_required' && providerRef !== undefined)
        return { status: 'pending', providerRef };
      return { status: 'failed', ...(providerRef === undefined ? {} : { providerRef }), ...declineOutcome(err) };
    }
    if (isTransient(err))
      return {
        status: 'failed',
        reason: `Stripe could not be reached or failed on its side (${err.message.slice(0, 200)}); nothing was charged twice.`,
        retryable: true,
      };
    throw stripeFailure(err, `charge invoice ${request.invoiceId}`);
  }
}
