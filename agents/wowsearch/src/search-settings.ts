import { z } from 'zod';
import { embedderFrom, embedderVariables, embeddingsNeedModel, type Embedder } from '#platform';
import { supportSettings } from '#domains/support';

/**
 * WowSearch's own settings, each from its WOWSEARCH_* variable (.env.example): an
 * OpenAI-compatible embedding model that fills the vector path where pgvector exists.
 * Without WOWSEARCH_EMBEDDINGS_MODEL the search runs on words alone, as it always has.
 */
export const searchSettings = z
  .object({
    /** WOWSEARCH_EMBEDDINGS_MODEL, WOWSEARCH_EMBEDDINGS_BASE_URL, WOWSEARCH_EMBEDDINGS_API_KEY. */
    ...embedderVariables,
    /** The desk's: the knowledge base's repository and folder (SUPPORT_KB_REPO, SUPPORT_KB_DIR), imported on merge. */
    support: supportSettings,
  })
  .refine(...embeddingsNeedModel);

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
    embedder: embedderFrom(settings, 'WOWSEARCH_EMBEDDINGS', opts),
  };
}
