import { defineErrors, type CodesOf } from '#platform';

/** WowAnalytics' errors: what it reports of other agents' health. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_FAILURE_RATE: {
    message: 'Agent {agent} failed {current} events in the last {window} minutes, against {baseline} in its baseline.',
    // A report of another agent's health, carried by error.occurred: nothing to retry.
    retryable: false,
    status: 503,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
