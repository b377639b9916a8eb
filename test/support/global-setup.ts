import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { initialiseEmbeddedDataDir } from '#platform/testing';

/**
 * Once per test run, before any worker starts: an initialised, empty PGlite data dir that
 * every embedded database the tests open starts as a copy of (PGLITE_TEMPLATE_DIR), instead
 * of each running PGlite's initdb. It is what initdb writes and nothing more — no migration —
 * so a test sees exactly the fresh database it would otherwise get. Kept in .data between
 * runs, one per PGlite version.
 */
export default async function setup(): Promise<void> {
  const { version } = JSON.parse(
    await readFile(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  const template = resolve('.data', `pglite-template-${version}`);
  if (!existsSync(join(template, 'PG_VERSION'))) {
    await mkdir('.data', { recursive: true });
    // Made aside and renamed into place, so a run that stops half-way leaves no half a template.
    const building = await mkdtemp(join('.data', 'pglite-template-building-'));
    await initialiseEmbeddedDataDir(building);
    await rm(template, { recursive: true, force: true });
    await rename(building, template);
  }
  // Forked workers inherit the environment of this process.
  process.env.PGLITE_TEMPLATE_DIR = template;
}
