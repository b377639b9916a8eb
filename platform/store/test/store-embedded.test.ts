import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isWowError } from '../../errors/define-errors.ts';
import { createStore } from '../create-store.ts';
import { describeStoreContract, silentLog } from './store-contract.ts';

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
    const first = await createStore({ dataDir, poolMax: 1, log: silentLog });
    await first.query('create table kept (v text)');
    await first.query("insert into kept values ('still here')");
    const err: unknown = await createStore({ dataDir, poolMax: 1, log: silentLog }).catch((e: unknown) => e);
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
});
