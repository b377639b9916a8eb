import { defineErrors, type CodesOf } from '#platform';

/** WowSupport's errors: delivery to customers, the issue sync, and WowSearch's replies. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_REPLY_INVALID: {
    message:
      'The reply to "{type}" is not what the requester reads ({problems}): the agent answering it and the one asking disagree on the message. Deploy the two together.',
    retryable: false,
    status: 502,
  },
  WOW_ERR_CUSTOMER_WEBHOOK: {
    message: "The customer's webhook {url} answered {status}; the delivery is retried.",
    retryable: true,
    status: 502,
  },
  WOW_ERR_CUSTOMER_WEBHOOK_UNREACHABLE: {
    message: "The customer's webhook {url} could not be reached ({reason}); the delivery is retried.",
    retryable: true,
    status: 502,
  },
  WOW_ERR_SYNC_BUSY: {
    message: 'Another attempt is writing {what} to GitHub right now; this one is retried.',
    retryable: true,
    status: 409,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
