import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { createError } from '../errors/errors.ts';
import { redactUrl } from '../store/create-store.ts';
import { readSql } from '../store/read-sql.ts';
import { digest } from './backup-database.ts';
import { readManifest, type BackupManifest } from './backup-manifest.ts';
import { compareContents, readDatabaseContents, totalRows, type DatabaseContents } from './database-contents.ts';
import { pgToolConnection, runPgTool } from './run-pg-tool.ts';

const userTablesSql = readSql(import.meta.url, 'user-tables');

export interface RestoreOptions {
  file: string;
  /** A `postgres://` URL for a PostgreSQL backup; a data directory (DATA_DIR) for an embedded one. */
  into: string;
  /** Replace what is there instead of refusing a target that is not empty. */
  force?: boolean;
}

export interface RestoreResult {
  kind: BackupManifest['kind'];
  /** Where it went, without credentials. */
  target: string;
  tables: number;
  rows: number;
}

const isUrl = (text: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(text);

/**
 * Restores a backup and proves it: the file must match its manifest before anything is
 * touched, the target must be empty unless `force`, and afterwards every schema's
 * migrations and every table's row count must equal the manifest's. A PostgreSQL restore
 * runs in one transaction; an embedded one is built beside the target and moved into
 * place only once verified, so a failure leaves the target as it was.
 */
export async function restoreDatabase(opts: RestoreOptions): Promise<RestoreResult> {
  const manifest = await readManifest(opts.file);
  const { bytes, sha256 } = await digest(opts.file);
  if (bytes !== manifest.bytes || sha256 !== manifest.sha256)
    throw createError('WOW_ERR_BACKUP_CORRUPT', {
      file: opts.file,
      problem: `${bytes} bytes with SHA-256 ${sha256.slice(0, 12)}…, the manifest says ${manifest.bytes} bytes, ${manifest.sha256.slice(0, 12)}…`,
    });
  const restored =
    manifest.kind === 'postgres' ? await restorePostgres(opts, manifest) : await restoreEmbedded(opts, manifest);
  return {
    kind: manifest.kind,
    target: restored.target,
    tables: Object.keys(restored.contents.rows).length,
    rows: totalRows(restored.contents),
  };
}

function verify(target: string, manifest: BackupManifest, contents: DatabaseContents): void {
  const problems = compareContents(manifest.contents, contents);
  if (problems.length > 0)
    throw createError('WOW_ERR_RESTORE_VERIFY', { target, problems: problems.map((p) => `  ${p}`).join('\n') });
}

async function restorePostgres(
  opts: RestoreOptions,
  manifest: BackupManifest,
): Promise<{ target: string; contents: DatabaseContents }> {
  if (!/^postgres(ql)?:\/\//.test(opts.into))
    throw createError('WOW_ERR_RESTORE_TARGET', {
      target: opts.into,
      problem: 'a PostgreSQL backup restores into a database named by a postgres:// URL (create the database first)',
    });
  const target = redactUrl(opts.into);
  const client = new pg.Client({ connectionString: opts.into });
  await client.connect().catch((err: unknown) => {
    throw createError(
      'WOW_ERR_STORE_UNREACHABLE',
      { location: target, reason: (err as Error).message },
      { cause: err },
    );
  });
  try {
    const { rows: tables } = await client.query<{ schema: string; name: string }>(userTablesSql);
    if (tables.length > 0 && opts.force !== true)
      throw createError('WOW_ERR_RESTORE_NOT_EMPTY', { target, tables: describeTables(tables) });
    const { dbname, env } = pgToolConnection(opts.into);
    // One transaction: a restore that fails half-way leaves the database as it was.
    const replace = opts.force === true ? ['--clean', '--if-exists'] : [];
    await runPgTool(
      'pg_restore',
      [
        '--single-transaction',
        '--exit-on-error',
        '--no-owner',
        '--no-privileges',
        ...replace,
        `--dbname=${dbname}`,
        opts.file,
      ],
      env,
    );
    const contents = await readDatabaseContents(client);
    verify(target, manifest, contents);
    return { target, contents };
  } finally {
    await client.end();
  }
}

function describeTables(tables: { schema: string; name: string }[]): string {
  const names = tables.slice(0, 3).map((t) => `${t.schema}.${t.name}`);
  return `${tables.length} table(s): ${names.join(', ')}${tables.length > 3 ? ', …' : ''}`;
}

async function restoreEmbedded(
  opts: RestoreOptions,
  manifest: BackupManifest,
): Promise<{ target: string; contents: DatabaseContents }> {
  if (isUrl(opts.into))
    throw createError('WOW_ERR_RESTORE_TARGET', {
      target: opts.into,
      problem: 'an embedded backup restores into a data directory (what DATA_DIR names), not a URL',
    });
  // The same layout createStore uses: the database lives in <DATA_DIR>/pglite.
  const dir = join(resolve(opts.into), 'pglite');
  const existing: string[] = await readdir(dir).catch(() => []);
  if (existing.includes('wow.lock')) {
    const pid = (await readFile(join(dir, 'wow.lock'), 'utf8').catch(() => '')).split('\n')[0] ?? '';
    throw createError('WOW_ERR_RESTORE_TARGET', {
      target: dir,
      problem: `process ${pid || 'unknown'} is using it (or left its lock behind); stop it first`,
    });
  }
  if (existing.length > 0 && opts.force !== true)
    throw createError('WOW_ERR_RESTORE_NOT_EMPTY', { target: dir, tables: `${existing.length} file(s)` });
  const building = join(dirname(dir), `.${basename(dir)}.restoring-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(dirname(dir), { recursive: true });
    const dump = new Blob([new Uint8Array(await readFile(opts.file))]);
    // PGlite loads only for an embedded restore.
    const { openEmbeddedCopy, queryable } = await import('./embedded-copy.ts');
    const copy = await openEmbeddedCopy(dump, building);
    let contents: DatabaseContents;
    try {
      contents = await readDatabaseContents(queryable(copy));
    } finally {
      await copy.close();
    }
    verify(dir, manifest, contents);
    // The dump copied the owner's lock file with the rest of the directory; it is not ours.
    await rm(join(building, 'wow.lock'), { force: true });
    await rm(dir, { recursive: true, force: true });
    await rename(building, dir);
    return { target: dir, contents };
  } finally {
    await rm(building, { recursive: true, force: true });
  }
}
