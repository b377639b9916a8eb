import { isAbsolute, resolve } from 'node:path';
import { createError } from '../errors/errors.ts';

/**
 * PGLITE_TEMPLATE_DIR: an initialised PGlite data dir without data that a new embedded
 * database starts as a copy of, instead of running PGlite's initdb (about two seconds of
 * WASM each time) — and, when the template has the migrations applied, instead of applying
 * them (`migrate` then finds nothing to do). The test suite makes both kinds per run
 * (test/support/global-setup.ts) because hundreds of its files open an embedded database;
 * unset, every new data dir is initialised afresh.
 */
export function embeddedTemplateDir(env: Record<string, string | undefined> = process.env): string | undefined {
  const dir = env.PGLITE_TEMPLATE_DIR?.trim();
  if (dir === undefined || dir === '') return undefined;
  return isAbsolute(dir) ? dir : resolve(dir);
}

/**
 * PGLITE_SHARED_BUFFERS: the embedded database's shared_buffers (a PostgreSQL size: `16MB`),
 * or undefined for PGlite's own. PostgreSQL clears its buffer pool at start: at PGlite's
 * default that was half of a start's ~1.2 s of CPU on a machine slow to touch fresh memory,
 * and the test suite starts hundreds of small databases (it sets 16MB).
 */
export function embeddedSharedBuffers(env: Record<string, string | undefined> = process.env): string | undefined {
  const size = env.PGLITE_SHARED_BUFFERS?.trim();
  if (size === undefined || size === '') return undefined;
  if (!/^[1-9]\d{0,6}(kB|MB|GB)$/.test(size))
    throw createError('WOW_ERR_CONFIG', {
      problems: `PGLITE_SHARED_BUFFERS: expected a size such as 16MB or 512kB, got ${JSON.stringify(size.slice(0, 40))}`,
    });
  return size;
}
