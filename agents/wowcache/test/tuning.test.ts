import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, migrate, type Store } from '#platform';
import { quietLog } from '#platform/testing';
import { closeAndDropSchema, testDatabaseUrl, uniqueName } from '../../../test/support/servers.ts';
import { cacheSettings, decideTuning, readCacheStats, tuneCaches, type NamespaceStats } from '../src/index.ts';

const settings = cacheSettings.parse({});

/** A namespace's figures over the window: 1,000 reads by default, all hits in L1. */
const stats = (overrides: Partial<NamespaceStats> = {}): NamespaceStats => ({
  namespace: 'reader',
  reads: 1000,
  l1Hits: 1000,
  l2Hits: 0,
  loads: 0,
  l1HitRate: 1,
  l2HitRate: 0,
  hitRate: 1,
  loadMsMean: null,
  evictions: 0,
  expired: 0,
  stampedeWaits: 0,
  oversize: 0,
  l1EntriesMax: 900,
  l1Bound: 1000,
  tuning: null,
  ...overrides,
});

describe('decideTuning', () => {
  it('leaves a namespace alone that is read little or works well', () => {
    expect(decideTuning(stats({ reads: 50, evictions: 40 }), settings)).toEqual([]);
    expect(decideTuning(stats(), settings)).toEqual([]);
  });

  it('doubles an evicting L1, stopping at the upper bound', () => {
    expect(decideTuning(stats({ evictions: 100, l1HitRate: 0.5 }), settings)).toMatchObject([
      { setting: 'l1_max_entries', from: 1000, to: 2000 },
    ]);
    const near = stats({ evictions: 100, tuning: { ttlFactor: 1, l1MaxEntries: 15_000 } });
    expect(decideTuning(near, settings)).toMatchObject([{ setting: 'l1_max_entries', to: 20_000 }]);
  });

  it('shrinks an L1 never a quarter full, to twice what it held and not under the lower bound', () => {
    const [shrink] = decideTuning(stats({ l1EntriesMax: 120 }), settings);
    expect(shrink).toMatchObject({ setting: 'l1_max_entries', from: 1000, to: 240 });
    expect(shrink?.reason).toBe(
      'L1 held at most 120 of its 1000 entries with no eviction in 1000 reads: the room is unused',
    );
    expect(decideTuning(stats({ l1EntriesMax: 10 }), settings)).toMatchObject([{ to: 100 }]);
  });

  it('lengthens TTLs when reads find entries expired, up to the bound', () => {
    const [longer] = decideTuning(stats({ expired: 300 }), settings);
    expect(longer).toMatchObject({ setting: 'ttl_factor', from: 1, to: 1.5 });
    expect(longer?.reason).toBe(
      '300 of 1000 reads (30.0%, over 10.0%) found their entry expired: entries are still read after their TTL',
    );
    expect(decideTuning(stats({ expired: 300, tuning: { ttlFactor: 3, l1MaxEntries: 1000 } }), settings)).toMatchObject(
      [{ setting: 'ttl_factor', from: 3, to: 4 }],
    );
  });

  it('shortens TTLs when L1 is at its bound and still evicting, none expiring', () => {
    const full = stats({ evictions: 200, tuning: { ttlFactor: 1, l1MaxEntries: 20_000 }, l1EntriesMax: 20_000 });
    expect(decideTuning(full, settings)).toMatchObject([{ setting: 'ttl_factor', from: 1, to: 0.67 }]);
  });

  it('brings a tuning outside narrowed bounds back within them first', () => {
    const narrowed = cacheSettings.parse({ l1MaxEntries: '500', ttlFactorMax: '2' });
    expect(decideTuning(stats({ tuning: { ttlFactor: 3, l1MaxEntries: 1000 } }), narrowed)).toMatchObject([
      { setting: 'l1_max_entries', from: 1000, to: 500, reason: 'outside the bounds of WowCache’s settings' },
      { setting: 'ttl_factor', from: 3, to: 2 },
    ]);
  });
});

describe('tuneCaches on PostgreSQL', () => {
  let store: Store;
  beforeAll(async () => {
    store = await createStore({
      url: testDatabaseUrl,
      dataDir: '.data',
      poolMax: 2,
      schema: uniqueName('wowcache'),
      log: quietLog,
    });
    await migrate(store, { log: quietLog });
  });
  afterAll(async () => {
    await closeAndDropSchema(store);
  });

  it('tunes from what every process added, step by step within the bounds, and reports it in the stats', async () => {
    const now = new Date('2026-12-01T10:10:00Z');
    // Two processes' minutes of one namespace whose L1 of 8000 evicts a tenth of its reads.
    for (const minute of ['2026-12-01T10:05:00Z', '2026-12-01T10:06:00Z'])
      await store.query(
        `insert into cache_namespace_minutes (namespace, minute, l1_hits, l2_hits, loads, load_ms_sum, evictions, l1_entries_max, l1_bound)
         values ('search', $1, 600, 100, 300, 1500, 100, 8000, 8000)`,
        [minute],
      );
    const bounded = { ...settings, l1MaxEntries: 10_000 };
    expect(await tuneCaches(store, bounded, now)).toMatchObject([
      { setting: 'l1_max_entries', from: 8000, to: 10_000 },
    ]);
    // At its upper bound and still evicting, with nothing expiring: the TTLs shorten instead.
    expect(await tuneCaches(store, bounded, now)).toMatchObject([{ setting: 'ttl_factor', from: 1, to: 0.67 }]);

    const report = await readCacheStats(store, { windowMinutes: 30, changes: 10 }, now);
    expect(report.namespaces).toEqual([
      expect.objectContaining({
        namespace: 'search',
        reads: 2000,
        l1HitRate: 0.6,
        l2HitRate: 0.25,
        hitRate: 0.7,
        loadMsMean: 5,
        evictions: 200,
        tuning: { ttlFactor: 0.67, l1MaxEntries: 10_000 },
      }),
    ]);
    expect(report.changes.map((c) => c.setting)).toEqual(['ttl_factor', 'l1_max_entries']);
  });
});
