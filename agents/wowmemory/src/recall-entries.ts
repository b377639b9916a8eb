import { readSql, type MemoryOwner, type PgQueryable, type RecallHit } from '#platform';
import type { RecallVectors } from './recall-vectors.ts';

const sql = {
  byWords: readSql(import.meta.url, 'recall'),
  byMeaning: readSql(import.meta.url, 'recall-by-embedding'),
};

/** A vector hit below this cosine similarity says nothing about the query. */
const minSimilarity = 0.5;

type RecallRow = {
  id: string;
  source: 'fact' | 'message';
  key: string | null;
  text: string;
  score?: number;
  similarity?: number;
  at: Date;
};

/**
 * The owner's facts and messages that best match `query`: by its words (full-text, and
 * pg_trgm's resemblance where it exists), and by meaning too where a model and pgvector
 * exist. An entry found both ways adds its similarity to its word score; one found by
 * meaning alone counts its similarity.
 */
export async function recallEntries(
  db: PgQueryable,
  vectors: RecallVectors,
  owner: MemoryOwner,
  query: string,
  limit: number,
  now: Date,
): Promise<RecallHit[]> {
  const byWords = (await db.query<RecallRow>(sql.byWords, [owner.kind, owner.id, query, limit, now])).rows;
  const embedding = await vectors.of(query);
  const byMeaning =
    embedding === undefined
      ? []
      : (
          await db.query<RecallRow>(sql.byMeaning, [owner.kind, owner.id, embedding, vectors.model, limit, now])
        ).rows.filter((r) => (r.similarity ?? 0) >= minSimilarity);
  const hits = new Map<string, RecallRow & { score: number }>();
  for (const r of byWords) hits.set(r.id, { ...r, score: r.score ?? 0 });
  for (const r of byMeaning) hits.set(r.id, { ...r, score: (hits.get(r.id)?.score ?? 0) + (r.similarity ?? 0) });
  return [...hits.values()]
    .sort((a, b) => b.score - a.score || new Date(b.at).getTime() - new Date(a.at).getTime())
    .slice(0, limit)
    .map((r) => ({ source: r.source, key: r.key ?? undefined, text: r.text, score: r.score, at: new Date(r.at) }));
}
