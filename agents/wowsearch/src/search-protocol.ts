import { z } from 'zod';
import { defineProtocol } from '#platform';

/** The longest question searched: L1 asks with its first 2,000 characters, and a query is a question, not a document. */
export const queryMaxLength = 4_000;

/** An article that answers a question, with how well (search/search-articles.ts finds them). */
const articleHit = z.strictObject({
  slug: z.string(),
  title: z.string(),
  intent: z.string(),
  /** ts_rank_cd, normalised to 0..1. */
  rank: z.number(),
  /** The share of the question's words the article holds (a word found by resemblance counts below 1). */
  coverage: z.number(),
  /** The passages that match, for a reply without a model. */
  excerpt: z.string(),
  /** Cosine similarity, when an embedding model took part. */
  similarity: z.number().optional(),
});

/**
 * search.articles: any agent asks WowSearch for the knowledge base's best articles for a
 * question, best first (none when nothing matches). The contract both sides check.
 */
export const searchArticlesProtocol = defineProtocol({
  type: 'search.articles',
  input: z.strictObject({
    query: z.string().max(queryMaxLength),
    limit: z.int().min(1).max(20).default(3),
  }),
  output: z.strictObject({ articles: z.array(articleHit).max(20) }),
});
