import { z } from 'zod';
import type { HandlerContext } from '#platform';
import { searchCacheKey, searchCacheTag, searchTtlSeconds } from './cache/cached-searches.ts';
import { searchWithFallback } from './search-knowledge-base.ts';
import type { ArticleHit } from './search/search-articles.ts';
import type { SearchSettings, SearchState } from './search-settings.ts';

/** The longest question searched: L1 asks with its first 2,000 characters, and a query is a question, not a document. */
export const queryMaxLength = 4_000;

/** A search.articles request: `{ query, limit? }`, from any agent through `ctx.request`. */
export const searchRequest = z.strictObject({
  query: z.string().max(queryMaxLength),
  limit: z.int().min(1).max(20).default(3),
});
export type SearchRequest = z.input<typeof searchRequest>;

/** The reply: the best articles first (none when nothing matches). */
export interface SearchReply {
  articles: ArticleHit[];
}

/**
 * Answers a search.articles request. Read-only, so a redelivered request is simply answered
 * again. The same question asked again (L1 and L2 each ask for a ticket, and customers ask
 * alike) is answered from ctx.cache; a change to the articles drops every cached answer.
 */
export async function answerSearch(
  ctx: HandlerContext<SearchSettings, SearchState>,
  request: z.output<typeof searchRequest>,
): Promise<SearchReply> {
  const articles = await ctx.cache.getOrSet(
    searchCacheKey(request.query, request.limit),
    { ttl: searchTtlSeconds, tags: [searchCacheTag] },
    () =>
      searchWithFallback(ctx.store, request.query, {
        limit: request.limit,
        embedder: ctx.state.embedder,
        log: ctx.log,
      }),
  );
  return { articles };
}
