import { createHash } from 'node:crypto';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createError } from '../errors/errors.ts';
import type { Logger } from '../log/logger.ts';
import type { PgQueryable, Store } from './store.ts';

/** The checkout the platform runs from: the folder holding platform/, domains/ and agents/. */
export const platformRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface MigrationResult {
  /** Files applied by this call, in order. */
  applied: string[];
  /** The newest applied migration, or null when there are none. */
  current: string | null;
}

interface MigrationFile {
  version: string;
  name: string;
  /** Real path, so one file reached through links is recognised. */
  path: string;
  sql: string;
  checksum: string;
}

const migrationName = /^(\d{4})_[a-z0-9_]+\.sql$/;

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  });
  // A symbolic link to a folder counts: a deployed release is a tree of links.
  return entries
    .filter((e) => e.isDirectory() || e.isSymbolicLink())
    .map((e) => e.name)
    .sort();
}

/**
 * Where a checkout keeps its migrations: the platform's own tables, then each domain's,
 * then each agent's (`<agentsDir>/<id>/migrations`; default `<root>/agents`). Each part
 * owns its tables; one number sequence orders them all.
 */
export async function migrationDirs(root: string, agentsDir = join(root, 'agents')): Promise<string[]> {
  const under = async (parent: string) => (await subfolders(parent)).map((name) => join(parent, name, 'migrations'));
  return [join(root, 'platform', 'migrations'), ...(await under(join(root, 'domains'))), ...(await under(agentsDir))];
}

async function readDir(dir: string): Promise<MigrationFile[]> {
  const names = await readdir(dir).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  });
  return Promise.all(
    names
      .filter((f) => f.endsWith('.sql'))
      .map(async (name) => {
        const match = migrationName.exec(name);
        if (match?.[1] === undefined)
          throw createError('WOW_ERR_MIGRATION', {
            migration: join(dir, name),
            problem: 'its name must be NNNN_lowercase_words.sql, e.g. 0003_add_tickets.sql',
          });
        const path = join(dir, name);
        const sql = await readFile(path, 'utf8');
        return {
          version: match[1],
          name,
          path: await realpath(path),
          sql,
          checksum: createHash('sha256').update(sql).digest('hex'),
        };
      }),
  );
}

/**
 * Every migration of `dirs`, in number order. A file reached twice (a linked checkout, the
 * platform's and a deployed repository's copies of one file) counts once; two different
 * files with one number are an error naming both, since the order between them is unknown.
 */
export async function readMigrations(dirs: readonly string[]): Promise<MigrationFile[]> {
  const byVersion = new Map<string, MigrationFile>();
  for (const file of (await Promise.all(dirs.map(readDir))).flat()) {
    const seen = byVersion.get(file.version);
    if (seen === undefined) byVersion.set(file.version, file);
    else if (seen.path !== file.path && (seen.name !== file.name || seen.checksum !== file.checksum))
      throw createError('WOW_ERR_MIGRATION', {
        migration: file.path,
        problem: `its number ${file.version} is taken by ${seen.path}; give it the next free number`,
      });
  }
  return [...byVersion.values()].sort((a, b) => a.version.localeCompare(b.version));
}

/**
 * Applies pending migrations in order (default: the platform checkout's, see migrationDirs), each in its own transaction. A session advisory
 * lock (per schema) makes a second process wait and then find nothing left to do, so
 * start-up and `wow db migrate` can run anywhere, any number of times.
 */
export async function migrate(store: Store, opts: { dirs?: readonly string[]; log: Logger }): Promise<MigrationResult> {
  const files = await readMigrations(opts.dirs ?? (await migrationDirs(platformRoot)));
  // The lock is held by a session, so everything runs inside one transaction-free
  // connection; each file then gets its own transaction on that same connection.
  return store.session(async (session) => {
    await session.query(`select pg_advisory_lock(hashtext('wow:migrate:' || current_schema()))`);
    try {
      await session.query(`create table if not exists schema_migrations (
        version text primary key, name text not null, checksum text not null, applied_at timestamptz not null default now())`);
      const done = new Map(
        (
          await session.query<{ version: string; name: string; checksum: string }>(
            'select version, name, checksum from schema_migrations',
          )
        ).rows.map((r) => [r.version, r]),
      );
      const applied: string[] = [];
      for (const file of files) {
        const previous = done.get(file.version);
        if (previous !== undefined) {
          if (previous.checksum !== file.checksum)
            throw createError('WOW_ERR_MIGRATION_CHANGED', {
              migration: file.name,
              checksum: file.checksum.slice(0, 12),
              appliedChecksum: previous.checksum.slice(0, 12),
            });
          continue;
        }
        await applyOne(session, file);
        applied.push(file.name);
        opts.log.info({ migration: file.name }, 'migration applied');
      }
      return { applied, current: files.at(-1)?.name ?? null };
    } finally {
      await session.query(`select pg_advisory_unlock(hashtext('wow:migrate:' || current_schema()))`);
    }
  });
}

async function applyOne(session: PgQueryable, file: MigrationFile): Promise<void> {
  await session.query('begin');
  try {
    await session.query(file.sql);
    await session.query('insert into schema_migrations (version, name, checksum) values ($1, $2, $3)', [
      file.version,
      file.name,
      file.checksum,
    ]);
    await session.query('commit');
  } catch (err) {
    await session.query('rollback');
    throw createError('WOW_ERR_MIGRATION', { migration: file.name, problem: (err as Error).message }, { cause: err });
  }
}
