import { defineErrors, type CodesOf } from '#platform/errors';

/** The `wow` command line's errors (a usage error exits 2). docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_CLI_USAGE: { message: '{problem}', retryable: false, status: 400 },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
