import Stripe from 'stripe';
import { createError } from './errors.ts';

/** What Stripe says of a failed payment attempt: a card error's fields, or a PaymentIntent's `last_payment_error`. */
export interface PaymentAttemptError {
  code?: string | null | undefined;
  decline_code?: string | null | undefined;
  advice_code?: string | null | undefined;
  message?: string | null | undefined;
}

// Decline codes whose next step in Stripe's decline code table is to attempt the payment
// again, and insufficient funds, which a later attempt of a subscription's invoice often
// clears (what Stripe's own Smart Retries count on). Every other decline needs the customer:
// another card, a call to the bank, or new card details.
const passingDeclines = new Set([
  'approve_with_id',
  'insufficient_funds',
  'issuer_not_available',
  'processing_error',
  'reenter_transaction',
  'try_again_later',
]);

/**
 * Whether a declined payment is worth attempting again later, as Stripe says: its
 * `advice_code` first (try_again_later; do_not_try_again and confirm_card_data need the
 * customer), then the decline code. Card networks fine merchants who retry hard declines.
 */
export function declineOutcome(error: PaymentAttemptError): { reason: string; retryable: boolean } {
  const codes = [error.code, error.decline_code].filter((c): c is string => typeof c === 'string' && c !== '');
  const reason = `${error.message ?? 'The payment was declined.'}${codes.length === 0 ? '' : ` (${[...new Set(codes)].join(': ')})`}`;
  if (error.advice_code === 'try_again_later') return { reason, retryable: true };
  if (error.advice_code === 'do_not_try_again' || error.advice_code === 'confirm_card_data')
    return { reason, retryable: false };
  return { reason, retryable: passingDeclines.has(error.decline_code ?? '') || passingDeclines.has(error.code ?? '') };
}

/** Stripe was not reached, timed out, rate-limited us or failed on its side: the same request may succeed later. */
export const isTransient = (err: unknown): err is Stripe.errors.StripeError =>
  err instanceof Stripe.errors.StripeConnectionError ||
  err instanceof Stripe.errors.StripeAPIError ||
  err instanceof Stripe.errors.StripeRateLimitError ||
  (err instanceof Stripe.errors.StripeError && (err.statusCode ?? 0) >= 500);

/**
 * A Stripe failure that is not a declined payment, as our error: WOW_ERR_STRIPE_UNAVAILABLE
 * when trying again may help, WOW_ERR_STRIPE_REFUSED when it cannot (a wrong or restricted
 * key, a parameter Stripe does not take, an idempotency key reused for another request).
 * Anything that is not Stripe's is rethrown as it is.
 */
export function stripeFailure(err: unknown, action: string): Error {
  if (!(err instanceof Stripe.errors.StripeError)) return err instanceof Error ? err : new Error(String(err));
  const problem = `${err.type}${err.code === undefined ? '' : ` ${err.code}`}: ${err.message}`.slice(0, 500);
  return isTransient(err)
    ? createError('WOW_ERR_STRIPE_UNAVAILABLE', { problem }, { cause: err })
    : createError('WOW_ERR_STRIPE_REFUSED', { action, problem }, { cause: err });
}
