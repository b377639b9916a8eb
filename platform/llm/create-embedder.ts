import OpenAI from 'openai';
import { createError } from '../errors/errors.ts';
import type { Embedder } from './embedder.ts';

export interface EmbedderSettings {
  model: string;
  /** An OpenAI-compatible API (OpenAI, vLLM, Ollama's /v1); the SDK's default (OpenAI) when unset. */
  baseUrl?: string | undefined;
  apiKey?: string | undefined;
  /** The variables these settings come from, named in errors (e.g. WOWSEARCH_EMBEDDINGS: its _MODEL, _BASE_URL, _API_KEY). */
  variables: string;
}

/** At most this many texts per request: servers bound a batch, and a failure then costs one batch. */
export const embedBatchSize = 32;

/**
 * An embedding model behind an OpenAI-compatible `/v1/embeddings`. Vectors are asked for
 * as floats (the SDK would ask for base64, which not every compatible server speaks). A
 * failure, or an answer that is not one vector per text, is WOW_ERR_EMBEDDINGS: a
 * search then goes on by words (the knowledge base's, memory's recall). Shared by the
 * agents that search by meaning (WowSearch, WowMemory), each with its own settings.
 */
export function createEmbedder(
  settings: EmbedderSettings,
  opts: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Embedder {
  const openai = new OpenAI({
    // Local servers take any key; the SDK insists on one.
    apiKey: settings.apiKey ?? 'none',
    ...(settings.baseUrl === undefined ? {} : { baseURL: settings.baseUrl }),
    timeout: opts.timeoutMs ?? 30_000,
    maxRetries: 2,
    ...(opts.fetch === undefined ? {} : { fetch: opts.fetch }),
  });
  return {
    model: settings.model,
    async embed(texts) {
      const vectors: number[][] = [];
      for (let i = 0; i < texts.length; i += embedBatchSize) {
        const batch = texts.slice(i, i + embedBatchSize);
        let data: { index: number; embedding: number[] }[];
        try {
          ({ data } = await openai.embeddings.create({
            model: settings.model,
            input: [...batch],
            encoding_format: 'float',
          }));
        } catch (err) {
          // Only the error's words, cut: a server may quote the input (a customer's question) back.
          const why = (err instanceof Error ? err.message : String(err)).slice(0, 300);
          throw createError('WOW_ERR_EMBEDDINGS', {
            model: settings.model,
            reason: why,
            variables: settings.variables,
          });
        }
        const ordered = [...data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
        if (ordered.length !== batch.length || ordered.some((v) => !Array.isArray(v) || v.length === 0))
          throw createError('WOW_ERR_EMBEDDINGS', {
            model: settings.model,
            reason: `it answered ${ordered.length} vectors for ${batch.length} texts`,
            variables: settings.variables,
          });
        vectors.push(...ordered);
      }
      return vectors;
    },
  };
}
