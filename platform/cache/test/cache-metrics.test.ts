import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config.ts';
import { createMetrics } from '../../metrics/metrics.ts';
import { openCache } from '../../open-runtime.ts';
import { createStore } from '../../store/create-store.ts';
import { quietLog } from '../../testing/index.ts';

describe("the cache's figures in /metrics", () => {
  it('counts hits per level, loads and their time, evictions and waits per namespace, and each L1 size', async () => {
    // An embedded database without WowCache's tables: the cache works on, its figures staying in the process.
    const dir = await mkdtemp(join(tmpdir(), 'wow-cache-metrics-'));
    const store = await createStore({ dataDir: dir, poolMax: 1, log: quietLog });
    const metrics = createMetrics({ defaultMetrics: false });
    const cache = await openCache(
      loadConfig({ LOG_LEVEL: 'silent', CACHE_L1_MAX_ENTRIES: '1' }),
      quietLog,
      store,
      metrics,
    );
    try {
      const ns = cache.namespace('reader');
      await Promise.all([1, 2].map(() => ns.getOrSet('a', { ttl: 60 }, async () => 'a')));
      await ns.getOrSet('a', { ttl: 60 }, async () => 'a');
      await ns.getOrSet('b', { ttl: 60 }, async () => 'b');
      const text = await metrics.metricsText();
      expect(text).toContain('wow_cache_hits_total{namespace="reader",level="l1"} 1');
      expect(text).toContain('wow_cache_loads_total{namespace="reader"} 2');
      expect(text).toMatch(/^wow_cache_load_seconds_total\{namespace="reader"\} \d/m);
      expect(text).toContain('wow_cache_evictions_total{namespace="reader"} 1');
      expect(text).toContain('wow_cache_stampede_waits_total{namespace="reader"} 1');
      expect(text).toContain('wow_cache_l1_entries{namespace="reader"} 1');
    } finally {
      await cache.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
