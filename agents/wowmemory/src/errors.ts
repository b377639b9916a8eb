import { defineErrors, type CodesOf } from '#platform';

/** WowMemory's errors: what ctx.memory refuses to keep, and `wow memory`. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_MEMORY_INPUT: {
    message: 'Memory refused {what}: {problem}.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_MEMORY_TOO_LARGE: {
    message:
      '{what} is {bytes} bytes, over the {limit} bytes memory keeps per entry ({variable}). Remember less (a summary, the ids), or raise {variable}.',
    retryable: false,
    status: 413,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
