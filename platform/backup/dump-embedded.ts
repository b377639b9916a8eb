import { writeFile } from 'node:fs/promises';
import { createError } from '../errors/errors.ts';
import type { Store } from '../store/store.ts';
import { readDatabaseContents, type DatabaseContents } from './database-contents.ts';

/**
 * Dumps the embedded database's data directory into `file`, then reads what the dump
 * holds by loading it into a database in memory: the counts describe the file itself,
 * and a dump PGlite cannot load fails here rather than on the day it is needed.
 */
export async function dumpEmbedded(store: Store, file: string): Promise<DatabaseContents> {
  if (store.dumpDataDir === undefined)
    throw createError('WOW_ERR_BACKUP_EMBEDDED_SHARED', { location: store.location });
  const dump = await store.dumpDataDir();
  await writeFile(file, new Uint8Array(await dump.arrayBuffer()), { mode: 0o600 });
  const { openEmbeddedCopy, queryable } = await import('./embedded-copy.ts');
  const copy = await openEmbeddedCopy(dump);
  try {
    return await readDatabaseContents(queryable(copy));
  } finally {
    await copy.close();
  }
}
