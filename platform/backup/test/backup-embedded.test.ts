import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase, createLogger, createStore, migrate, restoreDatabase, type Store } from '#platform';

const log = createLogger('silent');

describe('backup and restore of the embedded database', () => {
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wow-backup-embedded-'));
    store = await createStore({ dataDir: join(dir, 'data'), poolMax: 1, exclusive: true, log });
    await migrate(store, { log });
    await store.query(`insert into outbox (event) select jsonb_build_object('n', g) from generate_series(1, 7) g`);
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("dumps PGlite's data directory, counting what the dump itself holds", async () => {
    const file = join(dir, 'embedded.tar.gz');
    const { manifest } = await backupDatabase({ store, url: undefined, file });
    expect(manifest).toMatchObject({ kind: 'embedded', contents: { rows: { 'public.outbox': 7 } } });
  });

  it('restores into a new data directory that the platform then opens', async () => {
    const file = join(dir, 'embedded.tar.gz');
    const result = await restoreDatabase({ file, into: join(dir, 'restored') });
    expect(result).toMatchObject({ kind: 'embedded', target: join(dir, 'restored', 'pglite') });
    // Nothing is left of the folder it was built in.
    expect((await readdir(join(dir, 'restored'))).sort()).toEqual(['pglite']);
    const restored = await createStore({ dataDir: join(dir, 'restored'), poolMax: 1, exclusive: true, log });
    try {
      const { rows } = await restored.query<{ n: number }>('select count(*)::int as n from outbox');
      expect(rows).toEqual([{ n: 7 }]);
      // Migrations see the restored database as up to date: nothing runs again.
      expect((await migrate(restored, { log })).applied).toEqual([]);
    } finally {
      await restored.close();
    }
    await expect(restoreDatabase({ file, into: join(dir, 'restored') })).rejects.toMatchObject({
      code: 'WOW_ERR_RESTORE_NOT_EMPTY',
    });
    await expect(restoreDatabase({ file, into: 'postgres://127.0.0.1/x' })).rejects.toMatchObject({
      code: 'WOW_ERR_RESTORE_TARGET',
    });
  });

  it('refuses to restore over a data directory a process is using, even with --force', async () => {
    await expect(
      restoreDatabase({ file: join(dir, 'embedded.tar.gz'), into: join(dir, 'data'), force: true }),
    ).rejects.toMatchObject({
      code: 'WOW_ERR_RESTORE_TARGET',
      message: expect.stringContaining(`process ${process.pid}`) as unknown,
    });
  });

  it('cannot be dumped by a process that only shares the owner’s server', async () => {
    const beside = await createStore({ dataDir: join(dir, 'data'), poolMax: 1, log });
    try {
      expect('dumpDataDir' in beside).toBe(false);
      await expect(
        backupDatabase({ store: beside, url: undefined, file: join(dir, 'beside.tar.gz') }),
      ).rejects.toMatchObject({
        code: 'WOW_ERR_BACKUP_EMBEDDED_SHARED',
      });
    } finally {
      await beside.close();
    }
  });
});
