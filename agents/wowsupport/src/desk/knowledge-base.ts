import { readSql, type PgQueryable } from '../../../runtime/src/index.ts';

const sql = {
  upsert: readSql(import.meta.url, 'upsert-article'),
  search: readSql(import.meta.url, 'search-articles'),
};

export interface Article {
  slug: string;
  title: string;
  body: string;
  /** What kind of question it answers; L1 answers alone only for allow-listed intents. */
  intent: string;
}

export interface ArticleHit {
  slug: string;
  title: string;
  intent: string;
  /** ts_rank_cd, normalised to 0..1. */
  rank: number;
  /** The share of the question's distinct words the article contains. */
  coverage: number;
  /** The passages that match, for a reply without a model. */
  excerpt: string;
}

export async function upsertArticle(db: PgQueryable, article: Article): Promise<void> {
  await db.query(sql.upsert, [article.slug, article.title, article.body, article.intent]);
}

/** The articles that answer `question` best, in PostgreSQL's full-text index. */
export async function searchArticles(db: PgQueryable, question: string, limit = 3): Promise<ArticleHit[]> {
  const { rows } = await db.query<{ slug: string; title: string; intent: string; rank: number; coverage: number; excerpt: string }>(sql.search, [question, limit]);
  return rows.map((r) => ({ slug: r.slug, title: r.title, intent: r.intent, rank: r.rank, coverage: r.coverage, excerpt: r.excerpt }));
}
