import { embeddingTextMaxLength, readSql, vectorText, type Embedder, type PgQueryable } from '#platform';
import type { Article } from '../articles/article.ts';
import { searchFeatures } from '../search/search-features.ts';

const sql = {
  upsert: readSql(import.meta.url, 'upsert-article-embedding'),
  stale: readSql(import.meta.url, 'select-stale-embeddings'),
};

const embeddingText = (a: Pick<Article, 'title' | 'body'>) => `${a.title}\n${a.body}`.slice(0, embeddingTextMaxLength);

/** Embeds one article as it is now, where pgvector exists; without it, does nothing. */
export async function embedArticle(db: PgQueryable, embedder: Embedder, article: Article): Promise<void> {
  if (!(await searchFeatures(db)).vector) return;
  const [embedding = []] = await embedder.embed([embeddingText(article)]);
  await db.query(sql.upsert, [article.slug, embedder.model, vectorText(embedding), null]);
}

/**
 * Embeds up to `limit` articles whose embedding is missing, of another model, or older than
 * their last change (an import writes articles only; this fills the vector path after it).
 * Each is read, embedded outside any transaction and written only if the article has not
 * changed meanwhile. Returns how many it wrote; 0 where pgvector does not exist.
 */
export async function embedStaleArticles(
  db: PgQueryable,
  embedder: Embedder,
  opts: { limit: number; signal?: AbortSignal },
): Promise<number> {
  if (!(await searchFeatures(db)).vector) return 0;
  const { rows } = await db.query<{ slug: string; title: string; body: string; version: string }>(sql.stale, [
    embedder.model,
    opts.limit,
  ]);
  if (rows.length === 0) return 0;
  const embeddings = await embedder.embed(rows.map(embeddingText));
  let written = 0;
  for (const [i, article] of rows.entries()) {
    if (opts.signal?.aborted === true) break;
    const result = await db.query(sql.upsert, [
      article.slug,
      embedder.model,
      vectorText(embeddings[i] ?? []),
      article.version,
    ]);
    written += result.rowCount ?? 0;
  }
  return written;
}
