import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache, type Cache } from '#platform';
import { quietLog, startTestAgent, type TestAgent } from '#platform/testing';
import { agentSetups, type AgentSetup } from '../../../test/support/agent-setups.ts';
import { cacheSettings, tuneCaches, type CacheStats } from '../src/index.ts';

// The agent on the real runtime, over the embedded defaults (an embedded PostgreSQL, the
// in-process bus, a process cache of L1 and the loader) and over the real servers
// (PostgreSQL, the bus and the process cache's L2 on Redis).
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const settings = cacheSettings.parse({});

describe.each(agentSetups)('WowCache on %s', (_name, openRuntime) => {
  let runtime: AgentSetup;
  let agent: TestAgent;
  let cache: Cache;

  beforeAll(async () => {
    runtime = await openRuntime('wowcache');
    agent = await startTestAgent({
      agentsDir,
      id: 'wowcache',
      relayOutbox: true,
      postgres: runtime.postgres,
      redis: runtime.redis,
    });
    // A process's cache recording into the agent's tables, as the runtime's does (with L2 on Redis when the runtime has it).
    cache = await createCache({
      log: quietLog,
      store: agent.store,
      l1MaxEntries: 100,
      redisUrl: runtime.redis?.url,
      keyPrefix: runtime.redis?.keyPrefix,
    });
  });

  afterAll(async () => {
    await cache.close();
    await agent.stop();
    await runtime.drop();
  });

  it(
    'Given a namespace whose L1 evicts entries that are read again, when WowCache tunes the caches, ' +
      "then that namespace's L1 size grows within its bounds and the change is recorded with its reason",
    async () => {
      // 150 keys read in turn through an L1 of 100: each read pushes out an entry read again soon.
      const reader = cache.namespace('reader');
      for (let round = 0; round < 3; round++)
        for (let i = 0; i < 150; i++) await reader.getOrSet(`k${i}`, { ttl: 600 }, async () => i);
      await cache.flushFigures();

      const changes = await tuneCaches(agent.store, settings, new Date());
      expect(changes).toEqual([
        expect.objectContaining({ namespace: 'reader', setting: 'l1_max_entries', from: 100, to: 200 }),
      ]);
      expect(changes[0]?.reason).toMatch(/^L1 evicted 350 entries in 450 reads \(77\.8%, over 5\.0%\)/);
      const { rows } = await agent.store.query<{ setting: string; reason: string }>(
        'select setting, reason from cache_tuning_changes where namespace = $1',
        ['reader'],
      );
      expect(rows).toEqual([{ setting: 'l1_max_entries', reason: changes[0]?.reason }]);

      // Every process picks the new bound up when it next reads the tuning.
      await cache.refreshTuning();
      expect(cache.figures()).toMatchObject([{ namespace: 'reader', tuning: { l1MaxEntries: 200, ttlFactor: 1 } }]);
    },
  );

  it('answers cache.stats with the hit rates per level, loader latency, evictions and the last changes', async () => {
    const reply = await agent.request<CacheStats>({ type: 'cache.stats', data: { namespace: 'reader' } });
    // What L1 pushed out, Redis answers the next time (150 loads, then 300 L2 hits); with no L2, every read loads.
    const l2Hits = runtime.redis === undefined ? 0 : 300;
    expect(reply.namespaces).toEqual([
      expect.objectContaining({
        namespace: 'reader',
        reads: 450,
        l2Hits,
        loads: 450 - l2Hits,
        l1HitRate: 0,
        evictions: 350,
        tuning: { ttlFactor: 1, l1MaxEntries: 200 },
      }),
    ]);
    expect(reply.namespaces[0]?.loadMsMean).toBeGreaterThanOrEqual(0);
    expect(reply.changes).toEqual([expect.objectContaining({ setting: 'l1_max_entries', from: 100, to: 200 })]);
  });

  it('refuses a cache.stats request it cannot read, naming the field', async () => {
    await expect(
      agent.request({ type: 'cache.stats', data: { namespace: 'Not An Id' } }, { timeoutMs: 5_000 }),
    ).rejects.toThrow(/namespace/);
  });
});
