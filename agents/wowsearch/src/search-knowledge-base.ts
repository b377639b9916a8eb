import { isWowError, readAgentSettings, type Logger, type PgQueryable } from '#platform';
import type { Embedder } from '#platform';
import { searchArticles, type ArticleHit } from './search/search-articles.ts';
import { createSearchState, searchSettings } from './search-settings.ts';

/**
 * The search as WowSearch answers it: with its embedding model when there is one, and by
 * words alone when that model fails (WOW_ERR_EMBEDDINGS is logged, never the answer), so a
 * model that is down never stops L1.
 */
export async function searchWithFallback(
  db: PgQueryable,
  query: string,
  opts: { limit: number; embedder: Embedder | undefined; log?: Logger | undefined },
): Promise<ArticleHit[]> {
  if (opts.embedder === undefined) return searchArticles(db, query, opts.limit);
  try {
    return await searchArticles(db, query, opts.limit, { embedder: opts.embedder });
  } catch (err) {
    if (!isWowError(err, 'WOW_ERR_EMBEDDINGS')) throw err;
    opts.log?.warn(
      { err: { code: err.code, message: err.message } },
      'searching by words alone: the embedding model failed',
    );
    return searchArticles(db, query, opts.limit);
  }
}

/**
 * `wow kb search`: the knowledge base searched as WowSearch would answer a request, with
 * the settings (WOWSEARCH_*) read from `env`.
 */
export async function searchKnowledgeBase(
  db: PgQueryable,
  query: string,
  opts: { limit: number; env: Readonly<Record<string, string | undefined>>; log?: Logger | undefined },
): Promise<ArticleHit[]> {
  const { embedder } = createSearchState(readAgentSettings('wowsearch', searchSettings, opts.env));
  return searchWithFallback(db, query, { limit: opts.limit, embedder, log: opts.log });
}
