import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWowError } from '../../errors/define-errors.ts';
import { createStore } from '../create-store.ts';
import { describeStoreContract, silentLog } from './store-contract.ts';

// The contract applies migrations of its own from nothing: each database as initdb leaves it,
// not the migrated copy the rest of the suite starts from (test/support/global-setup.ts).
// Put back afterwards: the worker runs other files after this one.
const suiteTemplate = process.env.PGLITE_TEMPLATE_DIR;
const useTemplate = (dir: string | undefined) => {
  if (dir === undefined) delete process.env.PGLITE_TEMPLATE_DIR;
  else process.env.PGLITE_TEMPLATE_DIR = dir;
};
beforeAll(() => useTemplate(process.env.PGLITE_PLAIN_TEMPLATE_DIR));
afterAll(() => useTemplate(suiteTemplate));

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wow-pglite-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describeStoreContract('embedded PGlite', async () =>
  createStore({ dataDir: await tempDir(), poolMax: 10, log: silentLog }),
);

describe('embedded PGlite data dir', () => {
  it('keeps data across close and reopen, and refuses a second owner', async () => {
    const dataDir = await tempDir();
    const first = await createStore({ dataDir, poolMax: 1, log: silentLog, exclusive: true });
    await first.query('create table kept (v text)');
    await first.query("insert into kept values ('still here')");
    const err: unknown = await createStore({ dataDir, poolMax: 1, log: silentLog, exclusive: true }).catch(
      (e: unknown) => e,
    );
    expect(isWowError(err, 'WOW_ERR_STORE_LOCKED')).toBe(true);
    expect((err as Error).message).toContain(`in use by process ${process.pid}`);
    await first.close();
    const second = await createStore({ dataDir, poolMax: 1, log: silentLog });
    try {
      expect((await second.query('select v from kept')).rows).toEqual([{ v: 'still here' }]);
    } finally {
      await second.close();
    }
  });

  it("is shared with a command beside its owner through the owner's server, one transaction whole at a time", async () => {
    const dataDir = await tempDir();
    const owner = await createStore({ dataDir, poolMax: 1, log: silentLog, exclusive: true });
    try {
      await owner.query('create table kept (v text)');
      const beside = await createStore({ dataDir, poolMax: 1, log: silentLog });
      try {
        expect(beside.kind).toBe('embedded');
        expect(beside.location).toContain('served by the process that owns it');
        await beside.query("insert into kept values ('from beside')");
        expect((await owner.query('select v from kept')).rows).toEqual([{ v: 'from beside' }]);

        // The owner's open transaction is not seen half-done from beside: the read waits for its commit.
        let release = () => {};
        const held = new Promise<void>((resolve) => (release = resolve));
        const tx = owner.transaction(async (t) => {
          await t.query("insert into kept values ('first of the transaction')");
          await held;
          await t.query("insert into kept values ('last of the transaction')");
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
        const read = beside.query<{ n: number }>('select count(*)::int as n from kept');
        await new Promise((resolve) => setTimeout(resolve, 100));
        release();
        await tx;
        expect((await read).rows[0]?.n).toBe(3);
      } finally {
        // Closing the command's store leaves the owner's database running.
        await beside.close();
      }
      expect((await owner.query<{ n: number }>('select count(*)::int as n from kept')).rows[0]?.n).toBe(3);
    } finally {
      await owner.close();
    }
  });

  it('takes its buffer pool from PGLITE_SHARED_BUFFERS, and names the variable when it is no size', async () => {
    const before = process.env.PGLITE_SHARED_BUFFERS;
    try {
      process.env.PGLITE_SHARED_BUFFERS = '12MB';
      const store = await createStore({ dataDir: await tempDir(), poolMax: 1, log: silentLog });
      try {
        expect((await store.query<{ shared_buffers: string }>('show shared_buffers')).rows).toEqual([
          { shared_buffers: '12MB' },
        ]);
      } finally {
        await store.close();
      }
      process.env.PGLITE_SHARED_BUFFERS = 'lots';
      const untouched = await tempDir();
      const err: unknown = await createStore({ dataDir: untouched, poolMax: 1, log: silentLog }).catch(
        (e: unknown) => e,
      );
      expect(isWowError(err, 'WOW_ERR_CONFIG')).toBe(true);
      expect((err as Error).message).toContain(
        'PGLITE_SHARED_BUFFERS: expected a size such as 16MB or 512kB, got "lots"',
      );
      expect(await readdir(join(untouched, 'pglite'))).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.PGLITE_SHARED_BUFFERS;
      else process.env.PGLITE_SHARED_BUFFERS = before;
    }
  });
});
