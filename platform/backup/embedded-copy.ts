import { PGlite } from '@electric-sql/pglite';
import { embeddedExtensions } from '../store/start-embedded-postgres.ts';
import type { PgQueryable } from '../store/store.ts';

/** PGlite's answers in the shape the platform's queries take. */
export function queryable(db: PGlite): PgQueryable {
  const query: PgQueryable['query'] = async (text, values) => {
    const result = await db.query(text, values);
    // The caller's row type is a declaration (as with pg), not something PGlite checks.
    return { rows: result.rows as never[], rowCount: result.affectedRows ?? null };
  };
  return { query };
}

/**
 * An embedded database loaded from a data-directory dump: in memory when `dataDir` is not
 * given (to read what a dump holds), or into `dataDir` (a restore).
 */
export function openEmbeddedCopy(dump: Blob, dataDir?: string): Promise<PGlite> {
  return PGlite.create({
    ...(dataDir === undefined ? {} : { dataDir }),
    loadDataDir: dump,
    extensions: embeddedExtensions,
  });
}
