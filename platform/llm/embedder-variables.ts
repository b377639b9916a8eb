import { z } from 'zod';
import type { Embedder } from './embedder.ts';
import { createEmbedder } from './create-embedder.ts';

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
 * The three settings an agent that embeds text takes from its `<ID>_EMBEDDINGS_*` variables
 * (WowSearch, WowMemory): spread into its settings schema, and checked with
 * `embeddingsNeedModel`. An empty variable counts as unset.
 */
export const embedderVariables = {
  /** `<ID>_EMBEDDINGS_MODEL`, e.g. text-embedding-3-small or nomic-embed-text; none: no embeddings. */
  embeddingsModel: z.preprocess(unsetWhenEmpty, z.string().trim().min(1).max(200).optional()),
  /** `<ID>_EMBEDDINGS_BASE_URL`: an OpenAI-compatible API's base, e.g. http://127.0.0.1:11434/v1; OpenAI's when unset. */
  embeddingsBaseUrl: z.preprocess(unsetWhenEmpty, httpUrl.optional()),
  /** `<ID>_EMBEDDINGS_API_KEY`: sent as a Bearer token; local servers need none. */
  embeddingsApiKey: z.preprocess(unsetWhenEmpty, z.string().optional()),
};

interface EmbedderVariables {
  embeddingsModel?: string | undefined;
  embeddingsBaseUrl?: string | undefined;
  embeddingsApiKey?: string | undefined;
}

/** A base URL or key without a model is a half-made setting: refuse it rather than embed nothing silently. */
export const embeddingsNeedModel: [(s: EmbedderVariables) => boolean, { path: string[]; error: string }] = [
  (s) => s.embeddingsModel !== undefined || (s.embeddingsBaseUrl === undefined && s.embeddingsApiKey === undefined),
  {
    path: ['embeddingsModel'],
    error: 'is needed when the embeddings base URL or API key is set: name the model, e.g. text-embedding-3-small',
  },
];

/** The embedding model the settings name, if any; `variables` names them in errors (e.g. WOWSEARCH_EMBEDDINGS). */
export function embedderFrom(
  settings: EmbedderVariables,
  variables: string,
  opts: { fetch?: typeof fetch } = {},
): Embedder | undefined {
  if (settings.embeddingsModel === undefined) return undefined;
  return createEmbedder(
    {
      model: settings.embeddingsModel,
      baseUrl: settings.embeddingsBaseUrl,
      apiKey: settings.embeddingsApiKey,
      variables,
    },
    opts,
  );
}
