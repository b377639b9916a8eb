import { readSql, type PgQueryable } from '#platform';

const selectFeatures = readSql(import.meta.url, 'select-search-features');

/** What the server offered when migration 0010 ran: pg_trgm and pgvector are optional. */
export interface SearchFeatures {
  trigram: boolean;
  vector: boolean;
}

export async function searchFeatures(db: PgQueryable): Promise<SearchFeatures> {
  const found = new Set((await db.query<{ feature: string }>(selectFeatures)).rows.map((r) => r.feature));
  return { trigram: found.has('trigram'), vector: found.has('vector') };
}
