import { defineErrors, type CodesOf } from '#platform';

/** WowSearch's errors: knowledge-base imports and the embedding model. docs/errors.md documents each code. */
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
  WOW_ERR_EMBEDDINGS: {
    message:
      'The embedding model {model} did not answer ({reason}). Check WOWSEARCH_EMBEDDINGS_BASE_URL, WOWSEARCH_EMBEDDINGS_API_KEY and WOWSEARCH_EMBEDDINGS_MODEL; meanwhile the knowledge base is searched by words alone.',
    retryable: true,
    status: 502,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
