import { defineErrors, type CodesOf } from '#platform';

/** WowSupport's errors: WowSearch's replies. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_REPLY_INVALID: {
    message:
      'The reply to "{type}" is not what the requester reads ({problems}): the agent answering it and the one asking disagree on the message. Deploy the two together.',
    retryable: false,
    status: 502,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
