import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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
const userSchemasSql = readSql(import.meta.url, 'user-schemas');

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
    if (opts.force === true && tables.length > 0) await replaceDatabase(client, opts.file, dbname, env);
    else
      // One transaction: a restore that fails half-way leaves the database as it was.
      await runPgTool(
        'pg_restore',
        ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges', `--dbname=${dbname}`, opts.file],
        env,
      );
    const contents = await readDatabaseContents(client);
    verify(target, manifest, contents);
    return { target, contents };
  } finally {
    await client.end();
  }
}

/**
 * A restore over a database that holds tables (`--force`): its schemas dropped and the
 * backup restored in one psql transaction, so a failure leaves it as it was. Not
 * `pg_restore --clean`: it drops a partition's primary key before its table, which
 * PostgreSQL refuses for a key the partition inherits (WowEvent's archive is partitioned).
 */
async function replaceDatabase(client: pg.Client, file: string, dbname: string, env: NodeJS.ProcessEnv): Promise<void> {
  const { rows } = await client.query<{ name: string }>(userSchemasSql);
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const dir = await mkdtemp(join(tmpdir(), 'wow-restore-'));
  try {
    const script = join(dir, 'restore.sql');
    await runPgTool('pg_restore', ['--no-owner', '--no-privileges', `--file=${script}`, file], env);
    const replace = join(dir, 'replace.sql');
    await writeFile(
      replace,
      [
        ...rows.map((r) => `drop schema ${quote(r.name)} cascade;`),
        // The backup's objects in public are created in it, not the schema itself.
        'create schema if not exists public;',
        `\\i '${script}'`,
        '',
      ].join('\n'),
    );
    await runPgTool(
      'psql',
      [
        '--no-psqlrc',
        '--quiet',
        '--single-transaction',
        '-v',
        'ON_ERROR_STOP=1',
        `--dbname=${dbname}`,
        '--file',
        replace,
      ],
      env,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
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
