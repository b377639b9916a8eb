import { readSql, type PgQueryable } from '#platform';
import { embeddingTextMaxLength, vectorText, type Embedder } from '#platform';
import { searchFeatures } from './search-features.ts';

const sql = {
  search: readSql(import.meta.url, 'search-articles'),
  searchByEmbedding: readSql(import.meta.url, 'search-articles-by-embedding'),
};

/** An article that answers a question, with how well; what a search.articles request replies with. */
export interface ArticleHit {
  slug: string;
  title: string;
  intent: string;
  /** ts_rank_cd, normalised to 0..1. */
  rank: number;
  /**
   * The share of the question's distinct words the article contains. A word found only
   * through a resemblance (a typo, a partial word) counts its trigram similarity, below 1.
   */
  coverage: number;
  /** The passages that match, for a reply without a model. */
  excerpt: string;
  /** Cosine similarity of the embeddings, when an embedder took part in the search. */
  similarity?: number;
}

type Row = { slug: string; title: string; intent: string; rank: number; coverage: number; excerpt: string };

/**
 * The articles that answer `question` best: PostgreSQL's full-text index, with trigram
 * matches for words the knowledge base does not know. With an embedder (and pgvector),
 * the nearest articles by meaning join the candidates and the two orders are fused; the
 * hits' coverage still comes from their words, so L1's confidence never rests on a vector.
 */
export async function searchArticles(
  db: PgQueryable,
  question: string,
  limit = 3,
  opts: { embedder?: Embedder | undefined } = {},
): Promise<ArticleHit[]> {
  const near = opts.embedder === undefined ? [] : await nearestByEmbedding(db, opts.embedder, question, limit * 4);
  if (near.length === 0) {
    const { rows } = await db.query<Row>(sql.search, [question, limit, []]);
    return rows.map(toHit);
  }
  const { rows } = await db.query<Row>(sql.search, [question, limit * 4 + near.length, near.map((n) => n.slug)]);
  const similarity = new Map(near.map((n) => [n.slug, n.similarity]));
  const byWords = rows.filter((r) => r.rank > 0).sort((a, b) => b.rank - a.rank || a.slug.localeCompare(b.slug));
  return fuseByReciprocalRank(
    byWords.map((r) => r.slug),
    near.map((n) => n.slug),
  )
    .flatMap((slug) => rows.filter((r) => r.slug === slug))
    .slice(0, limit)
    .map((r) => {
      const s = similarity.get(r.slug);
      return s === undefined ? toHit(r) : { ...toHit(r), similarity: s };
    });
}

const toHit = (r: Row): ArticleHit => ({
  slug: r.slug,
  title: r.title,
  intent: r.intent,
  rank: r.rank,
  coverage: r.coverage,
  excerpt: r.excerpt,
});

async function nearestByEmbedding(
  db: PgQueryable,
  embedder: Embedder,
  question: string,
  limit: number,
): Promise<{ slug: string; similarity: number }[]> {
  if (!(await searchFeatures(db)).vector) return [];
  const [embedding = []] = await embedder.embed([question.slice(0, embeddingTextMaxLength)]);
  return (
    await db.query<{ slug: string; similarity: number }>(sql.searchByEmbedding, [
      vectorText(embedding),
      embedder.model,
      limit,
    ])
  ).rows;
}

/**
 * Reciprocal rank fusion (Cormack et al., 2009): each list adds 1 / (60 + position), so
 * two orders whose scores are on different scales (ts_rank_cd, cosine) combine fairly.
 */
export function fuseByReciprocalRank(...lists: readonly (readonly string[])[]): string[] {
  const score = new Map<string, number>();
  for (const list of lists) list.forEach((slug, i) => score.set(slug, (score.get(slug) ?? 0) + 1 / (60 + i + 1)));
  return [...score.keys()].sort((a, b) => (score.get(b) ?? 0) - (score.get(a) ?? 0) || a.localeCompare(b));
}
