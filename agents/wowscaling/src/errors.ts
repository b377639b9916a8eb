import { defineErrors, type CodesOf } from '#platform';

/** WowScaling's errors: the manifests its pull requests edit. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_SCALING_MANIFEST: {
    message:
      '{path} cannot take the recommended scaling: {problem}. Fix the manifest on the default branch (`wow review` checks it); WowScaling tries again on its next round or scaling.apply.',
    retryable: false,
    status: 422,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
