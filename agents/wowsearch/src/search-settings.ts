import { z } from 'zod';
import { createEmbedder, type Embedder } from '#platform';

const unsetWhenEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const httpUrl = z
  .string()
  .trim()
  .refine(
    (v) => {
      try {
        return ['http:', 'https:'].includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { error: 'expected a URL starting with https:// or http://, e.g. http://127.0.0.1:11434/v1' },
  );

/**
 * WowSearch's own settings, each from its WOWSEARCH_* variable (.env.example): an
 * OpenAI-compatible embedding model that fills the vector path where pgvector exists.
 * Without WOWSEARCH_EMBEDDINGS_MODEL the search runs on words alone, as it always has.
 */
export const searchSettings = z
  .object({
    /** WOWSEARCH_EMBEDDINGS_MODEL, e.g. text-embedding-3-small or nomic-embed-text. */
    embeddingsModel: z.preprocess(unsetWhenEmpty, z.string().trim().min(1).max(200).optional()),
    /** WOWSEARCH_EMBEDDINGS_BASE_URL: the API's base, e.g. http://127.0.0.1:11434/v1; OpenAI's when unset. */
    embeddingsBaseUrl: z.preprocess(unsetWhenEmpty, httpUrl.optional()),
    /** WOWSEARCH_EMBEDDINGS_API_KEY: sent as a Bearer token; local servers need none. */
    embeddingsApiKey: z.preprocess(unsetWhenEmpty, z.string().optional()),
  })
  .refine(
    (s) => s.embeddingsModel !== undefined || (s.embeddingsBaseUrl === undefined && s.embeddingsApiKey === undefined),
    {
      path: ['embeddingsModel'],
      error: 'is needed when the embeddings base URL or API key is set: name the model, e.g. text-embedding-3-small',
    },
  );

export type SearchSettings = z.infer<typeof searchSettings>;

/** What every handler of WowSearch shares: the embedding model its settings name, if any. */
export interface SearchState {
  embedder: Embedder | undefined;
  /** The knowledge base's state when cached searches were last known good (knowledgeBaseMark). */
  knowledgeBase: { mark: string | undefined };
}

export function createSearchState(settings: SearchSettings, opts: { fetch?: typeof fetch } = {}): SearchState {
  return {
    knowledgeBase: { mark: undefined },
    embedder:
      settings.embeddingsModel === undefined
        ? undefined
        : createEmbedder(
            {
              model: settings.embeddingsModel,
              baseUrl: settings.embeddingsBaseUrl,
              apiKey: settings.embeddingsApiKey,
              variables: 'WOWSEARCH_EMBEDDINGS',
            },
            opts,
          ),
  };
}
