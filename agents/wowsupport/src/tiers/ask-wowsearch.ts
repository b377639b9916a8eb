import { z } from 'zod';
import { type HandlerContext } from '#platform';
import { createError } from '../errors.ts';

/**
 * An article WowSearch found for a question, as its search.articles reply carries it.
 * WowSupport reads the reply with its own schema, the fields it relies on: the bus message
 * is the contract between the two agents, not each other's code.
 */
const articleHit = z.object({
  slug: z.string(),
  title: z.string(),
  intent: z.string(),
  /** ts_rank_cd, 0..1. */
  rank: z.number(),
  /** The share of the question's words the article holds (a word found by resemblance counts below 1). */
  coverage: z.number(),
  /** The passages that match, for a reply without a model. */
  excerpt: z.string(),
  /** Cosine similarity, when an embedding model took part. */
  similarity: z.number().optional(),
});
export type ArticleHit = z.infer<typeof articleHit>;

const searchReply = z.object({ articles: z.array(articleHit) });

/** How long L1 waits for WowSearch: a search takes milliseconds, so a silence means it is not running (the event is retried). */
const searchTimeoutMs = 10_000;

/**
 * The knowledge base's best articles for `question`, asked of WowSearch over the bus
 * (search.articles). Never inside a transaction: on the embedded store, with its one
 * connection, WowSearch would wait for that transaction to end. No reply in time is
 * WOW_ERR_REQUEST_TIMEOUT, which the bus retries.
 */
export async function askWowSearch(
  ctx: Pick<HandlerContext<unknown, unknown>, 'request'>,
  question: string,
  limit = 3,
): Promise<ArticleHit[]> {
  const reply = await ctx.request(
    { type: 'search.articles', data: { query: question, limit } },
    { timeoutMs: searchTimeoutMs },
  );
  const parsed = searchReply.safeParse(reply);
  if (!parsed.success)
    throw createError('WOW_ERR_REPLY_INVALID', {
      type: 'search.articles',
      problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'the reply'}: ${i.message}`).join('; '),
    });
  return parsed.data.articles;
}
