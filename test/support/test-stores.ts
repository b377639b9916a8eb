import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createLogger, createStore, migrate, type Store } from '#platform';
import { testDatabaseUrl, uniqueName } from './servers.ts';

/** A migrated store for one test file, and how to take it away again. */
export interface TestStore {
  store: Store;
  close: () => Promise<void>;
}

export interface StoreBackend {
  name: 'PostgreSQL' | 'embedded PGlite';
  open: () => Promise<TestStore>;
}

const log = createLogger('silent');

/**
 * The two stores every storage test runs on, for `describe.each`: the real server (a
 * schema of the file's own, dropped afterwards) and the embedded default (PGlite in a
 * temporary folder). Both come migrated.
 */
export function storeBackends(prefix: string, opts: { poolMax?: number } = {}): StoreBackend[] {
  return [
    {
      name: 'PostgreSQL',
      open: async () => {
        const schema = uniqueName(prefix);
        const store = await createStore({
          url: testDatabaseUrl,
          dataDir: '.data',
          poolMax: opts.poolMax ?? 2,
          schema,
          log,
        });
        await migrate(store, { log });
        return {
          store,
          close: async () => {
            await store.close();
            const admin = new pg.Client({ connectionString: testDatabaseUrl });
            await admin.connect();
            await admin.query(`drop schema if exists "${schema}" cascade`);
            await admin.end();
          },
        };
      },
    },
    {
      name: 'embedded PGlite',
      open: async () => {
        const dir = await mkdtemp(join(tmpdir(), `wow-${prefix}-`));
        const store = await createStore({ dataDir: dir, poolMax: 1, log });
        await migrate(store, { log });
        return {
          store,
          close: async () => {
            await store.close();
            await rm(dir, { recursive: true, force: true });
          },
        };
      },
    },
  ];
}
