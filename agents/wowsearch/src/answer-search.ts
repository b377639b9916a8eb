import type { HandlerContext, ReplyOf } from '#platform';
import type { z } from 'zod';
import { searchCacheKey, searchCacheTag, searchTtlSeconds } from './cache/cached-searches.ts';
import { searchWithFallback } from './search-knowledge-base.ts';
import type { searchArticlesProtocol } from './search-protocol.ts';
import type { SearchSettings, SearchState } from './search-settings.ts';

export type SearchRequest = z.input<typeof searchArticlesProtocol.input>;
export type SearchReply = ReplyOf<typeof searchArticlesProtocol>;

/**
 * Answers a search.articles request. Read-only, so a redelivered request is simply answered
 * again. The same question asked again (L1 and L2 each ask for a ticket, and customers ask
 * alike) is answered from ctx.cache; a change to the articles drops every cached answer.
 */
export async function answerSearch(
  ctx: HandlerContext<SearchSettings, SearchState>,
  request: z.output<typeof searchArticlesProtocol.input>,
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
