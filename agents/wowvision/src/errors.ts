import { defineErrors, type CodesOf } from '#platform/errors';

/** WowVision's errors. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_VISION_TOO_LARGE: {
    message:
      '{what}, the cap {setting} of this WowVision server. Its operator can raise {setting}; the WowVision Action and `wow review` read a checkout and have no such cap.',
    retryable: false,
    status: 413,
  },
  WOW_ERR_VISION_NOT_A_REPO: {
    message: '{dir} is not inside a git repository; run wow review in a clone',
    retryable: false,
    status: 400,
  },
  WOW_ERR_VISION_PACK_MISSING: {
    message:
      'no rule pack at {file} in {revision}: packs are read from the base, so a change cannot choose its own rules; commit it to the base branch first',
    retryable: false,
    status: 400,
  },
  WOW_ERR_VISION_BASELINE: {
    message: '{file}: {problem}; write it with wow review --write-baseline',
    retryable: false,
    status: 400,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
