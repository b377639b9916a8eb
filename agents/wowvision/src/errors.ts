import { defineErrors, type CodesOf } from '#platform';

/** WowVision's errors. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_VISION_TOO_LARGE: {
    message:
      '{what}, the cap {setting} of this WowVision server. Its operator can raise {setting}; the WowVision Action and `wow review` read a checkout and have no such cap.',
    retryable: false,
    status: 413,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
