import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { eventually, quietLog } from '../../testing/index.ts';
import type { Cache } from '../cache.ts';
import { cacheKeys } from '../cache-keys.ts';
import { createCache, type CreateCacheOptions } from '../create-cache.ts';
import { countingLoader, describeCacheContract } from './cache-contract.ts';

const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await deleteRedisKeys(prefix);
});

/** A cache on the shared Redis under a key prefix of its own; `keyPrefix` joins another's. */
const redisCache = (overrides: Partial<CreateCacheOptions> = {}) => {
  const keyPrefix = overrides.keyPrefix ?? `${uniqueName('cache')}:`;
  prefixes.push(keyPrefix);
  return createCache({ redisUrl: testRedisUrl, log: quietLog, ...overrides, keyPrefix });
};

describeCacheContract('Redis as L2', redisCache);

describe('two processes sharing Redis', () => {
  const opened: Cache[] = [];
  /** Two caches on one key prefix: what two processes of the platform hold. */
  const twoProcesses = async (overrides: Partial<CreateCacheOptions> = {}) => {
    const keyPrefix = `${uniqueName('cache')}:`;
    const a = await redisCache({ ...overrides, keyPrefix });
    const b = await redisCache({ ...overrides, keyPrefix });
    opened.push(a, b);
    return { a, b, keyPrefix };
  };
  afterEach(async () => {
    for (const cache of opened.splice(0)) await cache.close();
  });

  it('answers the second from L2 what the first loaded', async () => {
    const { a, b } = await twoProcesses();
    const loader = countingLoader({ rows: 3 });
    await a.namespace('reader').getOrSet('report', { ttl: 60 }, loader.load);
    expect(await b.namespace('reader').getOrSet('report', { ttl: 60 }, loader.load)).toEqual({ rows: 3 });
    expect(loader.calls).toBe(1);
    expect(b.figures()).toMatchObject([{ namespace: 'reader', l2Hits: 1, loads: 0 }]);
  });

  it('calls the loader once for concurrent misses in both processes, the others waiting for its value', async () => {
    const { a, b } = await twoProcesses();
    const loader = countingLoader('loaded once');
    loader.held = true;
    const reads = [a, b].flatMap((cache) =>
      Array.from({ length: 50 }, () => cache.namespace('reader').getOrSet('hot', { ttl: 60 }, loader.load)),
    );
    // Both processes are asking before the holder answers: one holds the lock, the other waits on it.
    await eventually(
      () => [a, b].every((c) => (c.figures()[0]?.stampedeWaits ?? 0) >= 49) && loader.calls === 1,
      'both processes waiting',
    );
    loader.release();
    expect(new Set(await Promise.all(reads))).toEqual(new Set(['loaded once']));
    expect(loader.calls).toBe(1);
  });

  it('drops an invalidated tag from both L1s, so both read the change', async () => {
    const { a, b } = await twoProcesses();
    let price = 10;
    const load = async () => ({ price });
    for (const cache of [a, b])
      expect(await cache.namespace('shop').getOrSet('item', { ttl: 600, tags: ['prices'] }, load)).toEqual({
        price: 10,
      });
    expect(b.figures()[0]).toMatchObject({ l2Hits: 1 });
    price = 11;
    await a.namespace('shop').invalidateTags(['prices']);
    // b hears of it on the channel; until then its L1 answers the old price.
    await eventually(async () => (await b.namespace('shop').get('item')) === undefined, 'b dropping the tag');
    expect(await b.namespace('shop').getOrSet('item', { ttl: 600, tags: ['prices'] }, load)).toEqual({ price: 11 });
    expect(await a.namespace('shop').getOrSet('item', { ttl: 600, tags: ['prices'] }, load)).toEqual({ price: 11 });
  });

  it('drops a deleted key from the other L1', async () => {
    const { a, b } = await twoProcesses();
    await a.namespace('shop').getOrSet('k', { ttl: 600 }, async () => 'old');
    await b.namespace('shop').getOrSet('k', { ttl: 600 }, async () => 'never loaded');
    await a.namespace('shop').delete('k');
    await eventually(async () => (await b.namespace('shop').get('k')) === undefined, 'b dropping the key');
  });

  it('lets a waiter take over when the lock holder died: its lease runs out', async () => {
    const { b, keyPrefix } = await twoProcesses({ lockLeaseMs: 300, maxWaitMs: 10_000, pollMs: 50 });
    // A process that took the lock and died before filling: only its lock is left.
    const redis = new Redis(testRedisUrl);
    await redis.set(cacheKeys(keyPrefix).lock('reader', 'orphan'), 'dead-holder', 'PX', 300);
    await redis.quit();
    const loader = countingLoader('taken over');
    expect(await b.namespace('reader').getOrSet('orphan', { ttl: 60 }, loader.load)).toBe('taken over');
    expect(loader.calls).toBe(1);
    expect(b.figures()[0]).toMatchObject({ stampedeWaits: 1 });
  });

  it('bounds the wait: past it, a waiter loads itself while the holder is still loading', async () => {
    const { a, b } = await twoProcesses({ lockLeaseMs: 60_000, maxWaitMs: 200, pollMs: 50 });
    const slow = countingLoader('slow holder');
    slow.held = true;
    const holding = a.namespace('reader').getOrSet('k', { ttl: 60 }, slow.load);
    await eventually(() => slow.calls === 1, 'a holding the lock');
    const own = countingLoader('loaded by the waiter');
    expect(await b.namespace('reader').getOrSet('k', { ttl: 60 }, own.load)).toBe('loaded by the waiter');
    expect(own.calls).toBe(1);
    slow.release();
    expect(await holding).toBe('slow holder');
  });

  it('treats an L2 value as stale once its tag changed, even in a process that missed the message', async () => {
    const { a, keyPrefix } = await twoProcesses();
    await a.namespace('shop').getOrSet('item', { ttl: 600, tags: ['prices'] }, async () => 'old');
    // A third process joins later: its L1 is empty, and L2 must not give it the old value.
    const c = await redisCache({ keyPrefix });
    opened.push(c);
    await a.namespace('shop').invalidateTags(['prices']);
    expect(await c.namespace('shop').getOrSet('item', { ttl: 600, tags: ['prices'] }, async () => 'new')).toBe('new');
  });
});
