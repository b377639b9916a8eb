import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backupDatabase,
  createLogger,
  createStore,
  listBackups,
  migrate,
  restoreDatabase,
  type Store,
} from '#platform';
import { wow } from '../../../test/support/run-wow.ts';
import { createTestDatabase } from '../../../test/support/servers.ts';
import { manifestPath, readManifest } from '../backup-manifest.ts';

const log = createLogger('silent');

async function rowsOf(url: string, sql: string): Promise<unknown[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await c.end();
  }
}

describe('wow db backup and restore on PostgreSQL', () => {
  const dropped: (() => Promise<void>)[] = [];
  let source: { url: string; drop: () => Promise<void> };
  let store: Store;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wow-backup-'));
    source = await createTestDatabase('backup_src');
    dropped.push(source.drop);
    store = await createStore({ url: source.url, dataDir: dir, poolMax: 2, log });
    await migrate(store, { log });
    // Rows in a platform table and in a table of a schema of its own: a backup takes every schema.
    await store.query(`insert into outbox (event) select jsonb_build_object('n', g) from generate_series(1, 25) g`);
    await store.query(`create schema extra; create table extra.notes (id int primary key, body text)`);
    await store.query(`insert into extra.notes values (1, 'it''s kept'), (2, E'line\\nbreak')`);
  });
  afterAll(async () => {
    await store.close();
    for (const drop of dropped) await drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a custom-format dump and a manifest whose counts are the database’s, and records it', async () => {
    const file = join(dir, 'first.dump');
    const { manifest } = await backupDatabase({ store, url: source.url, file });
    expect((await readFile(file)).subarray(0, 5).toString()).toBe('PGDMP');
    expect(manifest.kind).toBe('postgres');
    expect(manifest.source).not.toContain('password');
    expect(manifest.contents.rows['public.outbox']).toBe(25);
    expect(manifest.contents.rows['extra.notes']).toBe(2);
    expect(manifest.contents.migrations.public?.length).toBeGreaterThan(10);
    expect(await readManifest(file)).toEqual(manifest);
    expect((await stat(file)).size).toBe(manifest.bytes);
    const [recorded] = await listBackups(store);
    expect(recorded).toMatchObject({
      file,
      kind: 'postgres',
      scheduled: false,
      sha256: manifest.sha256,
      tables: Object.keys(manifest.contents.rows).length,
    });
  });

  it('never overwrites a file, and leaves no partial file when pg_dump fails', async () => {
    const file = join(dir, 'first.dump');
    await expect(backupDatabase({ store, url: source.url, file })).rejects.toMatchObject({
      code: 'WOW_ERR_BACKUP_EXISTS',
    });
    const broken = join(dir, 'broken.dump');
    const wrongUrl = source.url.replace(/\/[^/]+$/, '/no_such_database');
    await expect(backupDatabase({ store, url: wrongUrl, file: broken })).rejects.toThrow();
    await expect(stat(broken)).rejects.toThrow();
    await expect(stat(`${broken}.partial`)).rejects.toThrow();
  });

  it('restores into an empty database and proves it; refuses a non-empty one without --force', async () => {
    const file = join(dir, 'cli.dump');
    const backup = await wow(['db', 'backup', '--out', file, '--json'], { DATABASE_URL: source.url });
    expect(backup).toMatchObject({ code: 0, stderr: '' });
    const printed = JSON.parse(backup.stdout) as { file: string; bytes: number; rows: number };
    expect(printed.file).toBe(file);

    const target = await createTestDatabase('backup_dst');
    dropped.push(target.drop);
    const restored = await wow(['db', 'restore', file, '--into', target.url, '--json']);
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ kind: 'postgres', rows: printed.rows });
    expect(await rowsOf(target.url, 'select id, body from extra.notes order by id')).toEqual(
      await rowsOf(source.url, 'select id, body from extra.notes order by id'),
    );

    const again = await wow(['db', 'restore', file, '--into', target.url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('WOW_ERR_RESTORE_NOT_EMPTY');
    expect(again.stderr).toContain('--force');
    await rowsOf(target.url, `insert into extra.notes values (3, 'added after')`);
    const forced = await wow(['db', 'restore', file, '--into', target.url, '--force']);
    expect(forced.stdout).toContain('restored and verified');
    expect(await rowsOf(target.url, 'select count(*)::int as n from extra.notes')).toEqual([{ n: 2 }]);
  });

  it('refuses a file that no longer matches its manifest, and touches nothing', async () => {
    const file = join(dir, 'first.dump');
    const target = await createTestDatabase('backup_bad');
    dropped.push(target.drop);
    const copy = join(dir, 'cut.dump');
    await appendFile(copy, await readFile(file));
    await appendFile(manifestPath(copy), await readFile(manifestPath(file)));
    await appendFile(copy, 'x');
    await expect(restoreDatabase({ file: copy, into: target.url })).rejects.toMatchObject({
      code: 'WOW_ERR_BACKUP_CORRUPT',
    });
    expect(await rowsOf(target.url, `select count(*)::int as n from pg_tables where schemaname = 'public'`)).toEqual([
      { n: 0 },
    ]);
    await rm(manifestPath(copy));
    await expect(restoreDatabase({ file: copy, into: target.url })).rejects.toMatchObject({
      code: 'WOW_ERR_BACKUP_MANIFEST',
      message: expect.stringContaining('missing') as unknown,
    });
    await expect(restoreDatabase({ file, into: dir })).rejects.toMatchObject({ code: 'WOW_ERR_RESTORE_TARGET' });
  });
});
