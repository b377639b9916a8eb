import { defineErrors, type CodesOf } from '#platform';

/** The Stripe driver's errors: Stripe unreachable or refusing us, and webhooks that are not Stripe's. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_STRIPE_UNAVAILABLE: {
    message:
      'Stripe could not be reached or failed on its side ({problem}). Nothing was charged twice: try again later.',
    retryable: true,
    status: 503,
  },
  WOW_ERR_STRIPE_REFUSED: {
    message:
      'Stripe refused to {action}: {problem}. Check that STRIPE_SECRET_KEY is the secret key (sk_… or rk_…) of the account that bills customers.',
    retryable: false,
    status: 502,
  },
  WOW_ERR_STRIPE_WEBHOOK_SIGNATURE: {
    message:
      "The Stripe-Signature header does not match the body ({problem}). Check that STRIPE_WEBHOOK_SECRET is this endpoint's signing secret (whsec_…).",
    retryable: false,
    status: 400,
  },
  WOW_ERR_STRIPE_WEBHOOK_INVALID: {
    message: 'The Stripe webhook request is malformed: {problem}.',
    retryable: false,
    status: 400,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
