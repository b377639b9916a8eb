import type { HandlerContext, ReplyOf } from '#platform';
import type { z } from 'zod';
import { searchWithFallback } from './search-knowledge-base.ts';
import type { searchArticlesProtocol } from './search-protocol.ts';
import type { SearchSettings, SearchState } from './search-settings.ts';

export type SearchRequest = z.input<typeof searchArticlesProtocol.input>;
export type SearchReply = ReplyOf<typeof searchArticlesProtocol>;

/** Answers a search.articles request. Read-only, so a redelivered request is simply answered again. */
export async function answerSearch(
  ctx: HandlerContext<SearchSettings, SearchState>,
  request: z.output<typeof searchArticlesProtocol.input>,
): Promise<SearchReply> {
  return {
    articles: await searchWithFallback(ctx.store, request.query, {
      limit: request.limit,
      embedder: ctx.state.embedder,
      log: ctx.log,
    }),
  };
}
