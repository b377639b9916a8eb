import { defineErrors, type CodesOf } from '#platform';

/** WowNotification's errors: the issue sync. docs/errors.md documents each code. */
export const errors = defineErrors({
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
