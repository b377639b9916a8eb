import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createError } from '../errors/errors.ts';
import { readSql } from '../store/read-sql.ts';
import type { Store } from '../store/store.ts';
import { writeManifest, type BackupManifest } from './backup-manifest.ts';
import { totalRows } from './database-contents.ts';
import { dumpEmbedded } from './dump-embedded.ts';
import { dumpPostgres } from './dump-postgres.ts';

const insertSql = readSql(import.meta.url, 'insert-backup');

export interface BackupOptions {
  store: Store;
  /** The store's URL when it is a PostgreSQL server (pg_dump connects to it). */
  url: string | undefined;
  file: string;
  /** Taken by the schedule: retention may delete it later. */
  scheduled?: boolean;
}

export interface BackupResult {
  file: string;
  manifest: BackupManifest;
}

/** `<dir>/wow-<kind>-<UTC time>.<dump|tar.gz>`: names that sort by time. */
export function backupFileName(dir: string, kind: Store['kind'], at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return join(dir, `wow-${kind}-${stamp}.${kind === 'postgres' ? 'dump' : 'tar.gz'}`);
}

/**
 * Backs the store up into `file` with a manifest beside it, and records it in `backups`.
 * The dump is written under a temporary name and renamed when complete, so a failed or
 * interrupted backup never leaves a file that looks like a backup.
 */
export async function backupDatabase(opts: BackupOptions): Promise<BackupResult> {
  const { store, file } = opts;
  if (
    await stat(file).then(
      () => true,
      () => false,
    )
  )
    throw createError('WOW_ERR_BACKUP_EXISTS', { file });
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const startedAt = new Date();
  try {
    const contents =
      store.kind === 'postgres'
        ? await dumpPostgres(requireUrl(opts.url, store), partial)
        : await dumpEmbedded(store, partial);
    const { bytes, sha256 } = await digest(partial);
    const manifest: BackupManifest = {
      format: 'wow-backup/1',
      kind: store.kind,
      source: store.location,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      bytes,
      sha256,
      contents,
    };
    await writeManifest(file, manifest);
    await rename(partial, file);
    await store.query(insertSql, [
      file,
      manifest.kind,
      opts.scheduled === true,
      manifest.startedAt,
      manifest.finishedAt,
      bytes,
      sha256,
      Object.keys(contents.rows).length,
      totalRows(contents),
    ]);
    return { file, manifest };
  } finally {
    await rm(partial, { force: true });
  }
}

function requireUrl(url: string | undefined, store: Store): string {
  if (url === undefined)
    throw new Error(`a PostgreSQL store (${store.location}) is dumped through its URL, and none was given`);
  return url;
}

/** Size and SHA-256 of a file, read as a stream: dumps can be larger than memory. */
export async function digest(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}
