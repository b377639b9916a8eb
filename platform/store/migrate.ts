import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createError } from '../errors/error-codes.ts';
import type { Logger } from '../log/logger.ts';
import type { PgQueryable, Store } from './store.ts';

export const defaultMigrationsDir = fileURLToPath(new URL('../../infra/db/migrations', import.meta.url));

export interface MigrationResult {
  /** Files applied by this call, in order. */
  applied: string[];
  /** The newest applied migration, or null when there are none. */
  current: string | null;
}

interface MigrationFile {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

const migrationName = /^(\d{4})_[a-z0-9_]+\.sql$/;

async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  return Promise.all(
    names.map(async (name) => {
      const match = migrationName.exec(name);
      if (match?.[1] === undefined)
        throw createError('WOW_ERR_MIGRATION', [
          name,
          'its name must be NNNN_lowercase_words.sql, e.g. 0003_add_tickets.sql',
        ]);
      const sql = await readFile(join(dir, name), 'utf8');
      return { version: match[1], name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Applies pending migrations in order, each in its own transaction. A session advisory
 * lock (per schema) makes a second process wait and then find nothing left to do, so
 * start-up and `wow db migrate` can run anywhere, any number of times.
 */
export async function migrate(store: Store, opts: { dir?: string; log: Logger }): Promise<MigrationResult> {
  const files = await readMigrations(opts.dir ?? defaultMigrationsDir);
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
            throw createError('WOW_ERR_MIGRATION_CHANGED', [
              file.name,
              file.checksum.slice(0, 12),
              previous.checksum.slice(0, 12),
            ]);
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
    throw createError('WOW_ERR_MIGRATION', [file.name, (err as Error).message], { cause: err });
  }
}
