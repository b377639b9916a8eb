import { isAbsolute, resolve } from 'node:path';

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
