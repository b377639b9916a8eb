import { type HandlerContext, type ReplyOf } from '#platform';
import type { searchArticlesProtocol } from '../../../wowsearch/src/index.ts';

/** An article WowSearch found for a question, as its search.articles protocol replies it. */
export type ArticleHit = ReplyOf<typeof searchArticlesProtocol>['articles'][number];

/**
 * The knowledge base's best articles for `question`, asked of WowSearch over its declared
 * request type (search.articles, typed from the generated protocol map): the question is checked
 * at publish and by WowSearch, and WowSearch's `answers` sets the timeout. Never inside a transaction: on the
 * embedded store, with its one connection, WowSearch would wait for that transaction to
 * end. No reply in time is WOW_ERR_REQUEST_TIMEOUT, which the bus retries.
 */
export async function askWowSearch(
  ctx: Pick<HandlerContext<unknown, unknown>, 'request'>,
  question: string,
  limit = 3,
): Promise<ArticleHit[]> {
  return (await ctx.request('search.articles', { query: question, limit })).articles;
}
