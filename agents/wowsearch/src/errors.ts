import { defineErrors, type CodesOf } from '#platform';

/** WowSearch's errors: knowledge-base imports (its embedding model's errors are the platform's: WOW_ERR_EMBEDDINGS). docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_KB_ARTICLE: {
    message: 'Knowledge-base articles in {path} are invalid, so nothing was imported. Fix each file named:\n{problems}',
    retryable: false,
    status: 400,
  },
  WOW_ERR_KB_SOURCE: {
    message: 'Cannot import knowledge-base articles from {path}: {reason}.',
    retryable: false,
    status: 400,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
