import { createHash } from 'node:crypto';
import type { AgentCache, PgQueryable } from '#platform';

/**
 * Every cached search carries this tag: whatever changes the articles (an import, a
 * deletion, new embeddings) drops every search at once, in every process.
 */
export const searchCacheTag = 'kb';

/** A repeated question is answered from the cache this long at most, if nothing drops it first. */
export const searchTtlSeconds = 300;

/** One key per question and limit: the question hashed, as a question may be 4,000 characters. */
export function searchCacheKey(query: string, limit: number): string {
  const normalised = query.trim().replace(/\s+/g, ' ');
  return `search:${limit}:${createHash('sha256').update(normalised).digest('base64url')}`;
}

/** Drops every cached search: `wow kb import` calls it after writing, and WowSearch when it sees the articles changed. */
export function forgetSearches(cache: Pick<AgentCache, 'invalidateTags'>): Promise<void> {
  return cache.invalidateTags([searchCacheTag]);
}

/**
 * The knowledge base's state in one line: its article count and newest change. An import
 * that added, changed or removed an article moves it.
 */
async function knowledgeBaseMark(db: PgQueryable): Promise<string> {
  const { rows } = await db.query<{ n: number; at: Date | null }>(
    'select count(*)::int as n, max(updated_at) as at from kb_articles',
  );
  const row = rows[0];
  return `${row?.n ?? 0} ${row?.at?.toISOString() ?? '-'}`;
}

/**
 * Drops every cached search when the articles changed since the last look (`known` holds
 * what it saw); true when it did. The first look only takes note.
 */
export async function refreshSearches(
  db: PgQueryable,
  cache: Pick<AgentCache, 'invalidateTags'>,
  known: { mark: string | undefined },
): Promise<boolean> {
  const mark = await knowledgeBaseMark(db);
  const changed = known.mark !== undefined && known.mark !== mark;
  if (changed) await forgetSearches(cache);
  known.mark = mark;
  return changed;
}
