import { readFile, stat, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { createError } from '../errors/errors.ts';
import type { DatabaseContents } from './database-contents.ts';

/**
 * What a backup file held, written beside it (`<file>.manifest.json`): a restore checks
 * the file against `sha256` before it starts and the database against `contents` after.
 */
export interface BackupManifest {
  format: 'wow-backup/1';
  /** `postgres`: a pg_dump custom-format archive; `embedded`: PGlite's data directory as a gzipped tar. */
  kind: 'postgres' | 'embedded';
  /** The database it came from, without credentials. */
  source: string;
  startedAt: string;
  finishedAt: string;
  bytes: number;
  sha256: string;
  contents: DatabaseContents;
}

const manifestSchema = z.object({
  format: z.literal('wow-backup/1'),
  kind: z.enum(['postgres', 'embedded']),
  source: z.string().max(2000),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  contents: z.object({
    migrations: z.record(z.string(), z.array(z.string())),
    rows: z.record(z.string(), z.number().int().nonnegative()),
  }),
});

/** A manifest lists a few hundred tables at most; anything far larger is not one of ours. */
const maxManifestBytes = 16 * 1024 * 1024;

export const manifestPath = (file: string) => `${file}.manifest.json`;

export async function writeManifest(file: string, manifest: BackupManifest): Promise<void> {
  await writeFile(manifestPath(file), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
}

export async function readManifest(file: string): Promise<BackupManifest> {
  const path = manifestPath(file);
  const problem = (text: string) => createError('WOW_ERR_BACKUP_MANIFEST', { path, problem: text });
  const size = await stat(path).then(
    (s) => s.size,
    () => undefined,
  );
  if (size === undefined)
    throw problem('it is missing; a backup is restored with the manifest `wow db backup` wrote beside it');
  if (size > maxManifestBytes) throw problem(`it is ${size} bytes, more than a manifest can be`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw problem(`it is not JSON (${(err as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success)
    throw problem(parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; '));
  return parsed.data;
}
