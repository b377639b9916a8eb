import { afterEach, describe, expect, it } from 'vitest';
import { isWowError } from '../../errors/index.ts';
import type { Cache } from '../cache.ts';
import type { CreateCacheOptions } from '../create-cache.ts';

export type OpenCache = (overrides?: Partial<CreateCacheOptions>) => Promise<Cache>;

/** A loader that counts its calls and answers once `release` is called (all at once when never held). */
export function countingLoader<T>(value: T) {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const loader = {
    calls: 0,
    held: false,
    release: () => release(),
    load: async (): Promise<T> => {
      loader.calls += 1;
      if (loader.held) await gate;
      return value;
    },
  };
  return loader;
}

/** What every cache does, with Redis as L2 or without (L1 and the loader). */
export function describeCacheContract(name: string, open: OpenCache): void {
  describe(`the cache (${name})`, () => {
    const opened: Cache[] = [];
    const cacheOf = async (overrides?: Partial<CreateCacheOptions>) => {
      const cache = await open(overrides);
      opened.push(cache);
      return cache;
    };
    afterEach(async () => {
      for (const cache of opened.splice(0)) await cache.close();
    });

    it('loads a miss once, then answers from L1 with the same frozen value', async () => {
      const cache = (await cacheOf()).namespace('reader');
      const loader = countingLoader({ plan: 'pro', seats: [1, 2] });
      const first = await cache.getOrSet('customer:1', { ttl: 60 }, loader.load);
      const second = await cache.getOrSet('customer:1', { ttl: 60 }, loader.load);
      expect(first).toEqual({ plan: 'pro', seats: [1, 2] });
      expect(second).toBe(first);
      expect(loader.calls).toBe(1);
      expect(Object.isFrozen(first.seats)).toBe(true);
    });

    it('calls the loader once for 200 concurrent misses of one key', async () => {
      const cache = (await cacheOf()).namespace('reader');
      const loader = countingLoader(42);
      loader.held = true;
      const reads = Array.from({ length: 200 }, () => cache.getOrSet('answer', { ttl: 60 }, loader.load));
      loader.release();
      expect(new Set(await Promise.all(reads))).toEqual(new Set([42]));
      expect(loader.calls).toBe(1);
    });

    it('shares a failed load with its waiters and caches nothing', async () => {
      const cache = (await cacheOf()).namespace('reader');
      let calls = 0;
      const failing = async (): Promise<number> => {
        calls += 1;
        await Promise.resolve();
        throw new Error('database down');
      };
      const reads = [1, 2, 3].map(() => cache.getOrSet('k', { ttl: 60 }, failing));
      for (const read of reads) await expect(read).rejects.toThrow('database down');
      expect(calls).toBe(1);
      expect(await cache.getOrSet('k', { ttl: 60 }, async () => 7)).toBe(7);
    });

    it('drops tagged values on invalidateTags, so the next read loads the change', async () => {
      const cache = (await cacheOf()).namespace('reader');
      let version = 1;
      const load = async () => ({ version });
      expect(await cache.getOrSet('article:a', { ttl: 60, tags: ['articles'] }, load)).toEqual({ version: 1 });
      expect(await cache.getOrSet('other', { ttl: 60, tags: ['customers'] }, async () => 'kept')).toBe('kept');
      version = 2;
      expect(await cache.getOrSet('article:a', { ttl: 60, tags: ['articles'] }, load)).toEqual({ version: 1 });
      await cache.invalidateTags(['articles']);
      expect(await cache.getOrSet('article:a', { ttl: 60, tags: ['articles'] }, load)).toEqual({ version: 2 });
      expect(await cache.getOrSet('other', { ttl: 60, tags: ['customers'] }, async () => 'reloaded')).toBe('kept');
    });

    it('does not keep a value whose load began before its tag was invalidated', async () => {
      const cache = (await cacheOf()).namespace('reader');
      const loader = countingLoader('before the change');
      loader.held = true;
      const read = cache.getOrSet('k', { ttl: 60, tags: ['t'] }, loader.load);
      await cache.invalidateTags(['t']);
      loader.release();
      expect(await read).toBe('before the change');
      expect(await cache.getOrSet('k', { ttl: 60, tags: ['t'] }, async () => 'after the change')).toBe(
        'after the change',
      );
    });

    it('forgets one key on delete, and get reads without loading', async () => {
      const cache = (await cacheOf()).namespace('reader');
      await cache.getOrSet('a', { ttl: 60 }, async () => 'one');
      expect(await cache.get('a')).toBe('one');
      await cache.delete('a');
      expect(await cache.get('a')).toBeUndefined();
    });

    it('keeps namespaces apart', async () => {
      const cache = await cacheOf();
      await cache.namespace('first').getOrSet('k', { ttl: 60 }, async () => 'first');
      expect(await cache.namespace('second').getOrSet('k', { ttl: 60 }, async () => 'second')).toBe('second');
    });

    it('returns an oversize value uncached and counts it', async () => {
      const cache = await cacheOf({ maxValueBytes: 64 });
      const ns = cache.namespace('reader');
      const big = 'x'.repeat(100);
      const loader = countingLoader(big);
      expect(await ns.getOrSet('big', { ttl: 60 }, loader.load)).toBe(big);
      expect(await ns.getOrSet('big', { ttl: 60 }, loader.load)).toBe(big);
      expect(loader.calls).toBe(2);
      expect(cache.figures().find((f) => f.namespace === 'reader')?.oversize).toBe(2);
    });

    it('refuses what JSON cannot carry and arguments out of bounds, naming them', async () => {
      const ns = (await cacheOf()).namespace('reader');
      const refusal = async (call: () => Promise<unknown>) => {
        const err = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        return isWowError(err) ? err.code : err;
      };
      expect(await refusal(() => ns.getOrSet('k', { ttl: 60 }, async () => 1n as never))).toBe('WOW_ERR_CACHE_VALUE');
      expect(await refusal(() => ns.getOrSet('k', { ttl: 60 }, async () => undefined as never))).toBe(
        'WOW_ERR_CACHE_VALUE',
      );
      expect(await refusal(() => ns.getOrSet('', { ttl: 60 }, async () => 1))).toBe('WOW_ERR_CACHE_ARGUMENT');
      expect(await refusal(() => ns.getOrSet('k'.repeat(257), { ttl: 60 }, async () => 1))).toBe(
        'WOW_ERR_CACHE_ARGUMENT',
      );
      expect(await refusal(() => ns.getOrSet('a\nb', { ttl: 60 }, async () => 1))).toBe('WOW_ERR_CACHE_ARGUMENT');
      expect(await refusal(() => ns.getOrSet('k', { ttl: 0 }, async () => 1))).toBe('WOW_ERR_CACHE_ARGUMENT');
      expect(await refusal(() => ns.getOrSet('k', { ttl: 8 * 86_400 }, async () => 1))).toBe('WOW_ERR_CACHE_ARGUMENT');
      const tags = Array.from({ length: 17 }, (_, i) => `t${i}`);
      expect(await refusal(() => ns.getOrSet('k', { ttl: 60, tags }, async () => 1))).toBe('WOW_ERR_CACHE_ARGUMENT');
      expect(await refusal(() => ns.invalidateTags(['\u0000']))).toBe('WOW_ERR_CACHE_ARGUMENT');
      expect(() => (opened[0] as Cache).namespace('Not An Id')).toThrow(/namespace/);
    });

    it('counts L1 hits, loads and evictions per namespace, within the L1 bound', async () => {
      const cache = await cacheOf({ l1MaxEntries: 2 });
      const ns = cache.namespace('reader');
      for (const key of ['a', 'b', 'c']) await ns.getOrSet(key, { ttl: 60 }, async () => key);
      await ns.getOrSet('c', { ttl: 60 }, async () => 'c');
      const figures = cache.figures().find((f) => f.namespace === 'reader');
      expect(figures).toMatchObject({ l1Hits: 1, loads: 3, evictions: 1, l1Entries: 2 });
    });
  });
}
