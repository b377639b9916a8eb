import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateServer } from '../../../test/support/private-servers.ts';
import { eventually, quietLog } from '../../testing/index.ts';
import { createCache } from '../create-cache.ts';

// A Redis of the test's own, stopped and started again (empty, as after a crash).
let redis: PrivateServer;
beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(async () => {
  await redis.remove();
});

describe('the cache when Redis goes away and comes back', () => {
  it('answers from the loader meanwhile, and clears its L1 on resubscribing, as messages may have been lost', async () => {
    const cache = await createCache({ redisUrl: redis.url, keyPrefix: 'wow:', log: quietLog });
    try {
      const ns = cache.namespace('reader');
      expect(await ns.getOrSet('kept', { ttl: 600, tags: ['t'] }, async () => 'before')).toBe('before');
      await redis.stop();
      // L1 still answers what it holds; a miss goes to the loader instead of failing the read.
      expect(await ns.getOrSet('kept', { ttl: 600 }, async () => 'not loaded')).toBe('before');
      expect(await ns.getOrSet('new', { ttl: 600 }, async () => 'from the loader')).toBe('from the loader');

      await redis.start();
      // An invalidation of `t` said while this process was away is lost to it: its L1 must not trust itself.
      await eventually(async () => (await ns.get('kept').catch(() => 'unreachable')) === undefined, 'L1 cleared');
      expect(await ns.getOrSet('kept', { ttl: 600, tags: ['t'] }, async () => 'after')).toBe('after');
    } finally {
      await cache.close();
    }
  });
});
