import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeAndDropSchema, testDatabaseUrl, uniqueName } from '../../../test/support/servers.ts';
import { createStore } from '../../store/create-store.ts';
import { migrate } from '../../store/migrate.ts';
import type { Store } from '../../store/store.ts';
import { quietLog } from '../../testing/index.ts';
import { createCache } from '../create-cache.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

// The figures every process adds and the tuning every process reads live in WowCache's
// tables, migrated with the rest.
const stores: { name: string; open: () => Promise<{ store: Store; close: () => Promise<void> }> }[] = [
  {
    name: 'PostgreSQL',
    open: async () => {
      const store = await createStore({
        url: testDatabaseUrl,
        dataDir: '.data',
        poolMax: 2,
        schema: uniqueName('cache'),
        log: quietLog,
      });
      return { store, close: () => closeAndDropSchema(store) };
    },
  },
  {
    name: 'embedded PGlite',
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'wow-cache-'));
      dirs.push(dir);
      const store = await createStore({ dataDir: dir, poolMax: 1, log: quietLog });
      return { store, close: () => store.close() };
    },
  },
];

describe.each(stores)('the cache’s figures and tuning on $name', ({ open }) => {
  it('adds each minute’s counts of two processes into one row, and applies the tuning it reads', async () => {
    const { store, close } = await open();
    try {
      await migrate(store, { log: quietLog });
      // One minute for both, whenever the test runs.
      const clock = () => Date.parse('2026-12-01T10:00:30Z');
      const first = await createCache({ log: quietLog, store, l1MaxEntries: 2, clock });
      const second = await createCache({ log: quietLog, store, l1MaxEntries: 2, clock });
      for (const cache of [first, second]) {
        const ns = cache.namespace('reader');
        for (const key of ['a', 'b', 'c', 'c']) await ns.getOrSet(key, { ttl: 60 }, async () => key);
        await cache.flushFigures();
      }
      const { rows } = await store.query<Record<string, number>>(
        'select l1_hits::int, loads::int, evictions::int, l1_entries_max, l1_bound from cache_namespace_minutes where namespace = $1',
        ['reader'],
      );
      expect(rows).toEqual([{ l1_hits: 2, loads: 6, evictions: 2, l1_entries_max: 2, l1_bound: 2 }]);

      await store.query("insert into cache_tuning (namespace, ttl_factor, l1_max_entries) values ('reader', 2, 3)");
      await first.refreshTuning();
      const ns = first.namespace('reader');
      for (const key of ['d', 'e', 'f']) await ns.getOrSet(key, { ttl: 60 }, async () => key);
      expect(first.figures()).toMatchObject([
        { namespace: 'reader', l1Entries: 3, tuning: { ttlFactor: 2, l1MaxEntries: 3 } },
      ]);

      await store.query("delete from cache_tuning where namespace = 'reader'");
      await first.refreshTuning();
      expect(first.figures()).toMatchObject([{ l1Entries: 2, tuning: { ttlFactor: 1, l1MaxEntries: 2 } }]);
      await first.close();
      await second.close();
    } finally {
      await close();
    }
  });
});
