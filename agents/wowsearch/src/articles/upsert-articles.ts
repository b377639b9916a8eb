import { readSql, type PgQueryable } from '#platform';
import type { Embedder } from '#platform';
import { embedArticle } from '../embeddings/embed-articles.ts';
import type { Article } from './article.ts';

const upsert = readSql(import.meta.url, 'upsert-article');

/** Writes articles in one statement (their words counted once); those unchanged are left as they are. */
export async function upsertArticles(db: PgQueryable, articles: readonly Article[]): Promise<void> {
  if (articles.length === 0) return;
  await db.query(upsert, [
    articles.map((a) => a.slug),
    articles.map((a) => a.title),
    articles.map((a) => a.body),
    articles.map((a) => a.intent),
  ]);
}

/** Writes one article; with an embedder, and where pgvector exists, its embedding too. */
export async function upsertArticle(
  db: PgQueryable,
  article: Article,
  opts: { embedder?: Embedder | undefined } = {},
): Promise<void> {
  await upsertArticles(db, [article]);
  if (opts.embedder !== undefined) await embedArticle(db, opts.embedder, article);
}
