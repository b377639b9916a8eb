import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../store/create-store.ts';
import { quietLog } from '../../testing/index.ts';
import { describeStoreRolesContract } from './store-roles-contract.ts';

// PGlite keeps roles and checks privileges as PostgreSQL does, so the embedded store enforces them too.
describeStoreRolesContract('embedded PGlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wow-roles-'));
  const store = await createStore({ dataDir: dir, poolMax: 1, log: quietLog });
  return {
    ...store,
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
