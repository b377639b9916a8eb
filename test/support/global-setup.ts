import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, readdir, rename, rm, statfs } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createLogger, createStore, migrate } from '#platform';
import { initialiseEmbeddedDataDir, migrationDirs, readMigrations } from '#platform/testing';

const root = resolve(import.meta.dirname, '../..');

/**
 * Builds `dir` with `build` in a folder beside it, renamed into place: a run that stops
 * half-way leaves no half a template. `made` is the file inside that says it is built.
 */
async function buildOnce(dir: string, made: string, build: (into: string) => Promise<void>): Promise<void> {
  if (existsSync(join(dir, made))) return;
  await mkdir('.data', { recursive: true });
  const building = await mkdtemp(resolve('.data', 'pglite-template-building-'));
  try {
    await build(building);
    await rm(dir, { recursive: true, force: true });
    await rename(building, dir);
  } catch (err) {
    await rm(building, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Once per test run, before any worker starts: the PGlite data dirs that every embedded
 * database the tests open starts as a copy of (PGLITE_TEMPLATE_DIR), instead of each
 * running PGlite's initdb (~2 s) and then the repository's migrations (~7 s on a slow
 * machine, in every file that opens one).
 *
 * - `pglite-template-<version>`: what initdb writes and nothing more (PGLITE_PLAIN_TEMPLATE_DIR,
 *   for the few tests that apply migrations of their own from nothing).
 * - `pglite-template-<version>-migrated-<hash>/pglite`: that, with this checkout's migrations
 *   applied and no data: what every test's `migrate` would make of a new database anyway,
 *   so its `migrate` finds nothing to do. The hash is of every migration's name and text,
 *   so changing or adding one makes a new template.
 *
 * Kept in .data between runs; a migrated template of other migrations is removed.
 */
export default async function setup(): Promise<() => Promise<void>> {
  // The tests' databases are small: a 16 MB buffer pool (PGlite's default clears 128 MB at
  // every start) took a start from ~1.2 s of CPU to ~0.5 s here. Set first: building the
  // templates starts databases too.
  process.env.PGLITE_SHARED_BUFFERS = '16MB';
  const { version } = JSON.parse(
    await readFile(join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
  ) as { version: string };
  const plain = resolve('.data', `pglite-template-${version}`);
  await buildOnce(plain, 'PG_VERSION', initialiseEmbeddedDataDir);

  const migrations = await readMigrations(await migrationDirs(root));
  const hash = createHash('sha256')
    .update(migrations.map((m) => `${m.name}\0${m.checksum}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const migratedName = `pglite-template-${version}-migrated-${hash}`;
  const migrated = resolve('.data', migratedName);
  // A DATA_DIR: the store keeps its database in its `pglite` folder, which is the template.
  await buildOnce(migrated, 'pglite/PG_VERSION', async (into) => {
    await cp(plain, join(into, 'pglite'), { recursive: true });
    const log = createLogger('silent');
    const store = await createStore({ dataDir: into, poolMax: 1, log, exclusive: true });
    try {
      await migrate(store, { log });
    } finally {
      await store.close();
    }
  });
  for (const name of await readdir('.data'))
    if (name.startsWith(`pglite-template-${version}-migrated-`) && name !== migratedName)
      await rm(join('.data', name), { recursive: true, force: true });

  // Forked workers inherit the environment of this process, and the processes tests start
  // inherit theirs. Node's compile cache keeps V8's code for every module loaded (the
  // TypeScript sources too), so a worker or a child `wow` does not compile the same
  // thousands of modules again: ~45% less CPU to import the server on this machine.
  process.env.NODE_COMPILE_CACHE = resolve('.data', 'node-compile-cache');
  process.env.PGLITE_TEMPLATE_DIR = join(migrated, 'pglite');
  process.env.PGLITE_PLAIN_TEMPLATE_DIR = plain;

  const scratch = await memoryBackedTmpdir();
  if (scratch !== undefined) process.env.TMPDIR = scratch;
  return async () => {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  };
}

// Free space /dev/shm must have for the run's temporary files (its embedded databases are
// ~45 MB each, a few dozen at a time), else they stay on the disk.
const scratchNeeds = 4 * 1024 ** 3;

/**
 * A folder of this run's own on a memory file system, for the temporary files of every
 * test and of the processes they start (TMPDIR, which os.tmpdir() reads), or undefined
 * when there is none with room. The suite creates and deletes ~1,500 files for each
 * embedded database it opens, and on ext4 creating a file where many were just deleted
 * scans the inode bitmap (`recently_deleted`): the Factory's generated tests took 27 s, 21 s
 * of it in the kernel, in /tmp here, and 11 s in /dev/shm. Removed with what is left in it
 * when the run ends.
 */
async function memoryBackedTmpdir(): Promise<string | undefined> {
  const base = '/dev/shm';
  try {
    const fs = await statfs(base);
    if (fs.bavail * fs.bsize < scratchNeeds) return undefined;
    const dir = await mkdtemp(join(base, 'waooaw-tests-'));
    // As /tmp is: the private PostgreSQL servers some tests start run as another user.
    await chmod(dir, 0o1777);
    return dir;
  } catch {
    return undefined;
  }
}
