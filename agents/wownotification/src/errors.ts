import { defineErrors, type CodesOf } from '#platform';

/** WowNotification's errors: the issue sync, the operator alert rules. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_SYNC_BUSY: {
    message: 'Another attempt is writing {what} to GitHub right now; this one is retried.',
    retryable: true,
    status: 409,
  },
  WOW_ERR_ALERT_RULES: {
    message: 'The operator alert rules are not valid:\n{problems}',
    retryable: false,
    status: 400,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
