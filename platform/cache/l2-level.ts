import type { Redis } from 'ioredis';
import { connectRedis } from '../bus/redis/connect-redis.ts';
import type { Logger } from '../log/logger.ts';
import { maxTtlSeconds } from './assert-cache-args.ts';
import { cacheKeys } from './cache-keys.ts';
import { loadCacheScripts, type GetOrLockReply } from './load-cache-scripts.ts';

/** What one process tells the others on the cache's channel. */
type Said =
  | { op: 'filled'; ns: string; key: string }
  | { op: 'delete'; ns: string; key: string }
  | { op: 'invalidate'; ns: string; tags: string[] };
export type CacheMessage = Said & { from: string };

export interface L2Options {
  redisUrl: string;
  keyPrefix: string;
  instanceId: string;
  log: Logger;
  /** Another process dropped a key or tags: this process's L1 drops them too. */
  onChange(message: Extract<CacheMessage, { op: 'delete' | 'invalidate' }>): void;
  /** The subscription came back after a break: what was said meanwhile is lost. */
  onResubscribed(): void;
}

/**
 * Level 2: values in Redis, shared by every process, with the load locks that make one
 * process load a key while the others wait, and the channel that carries fills,
 * deletions and invalidations. Redis pub/sub rather than the bus: an invalidation is for
 * every process (the bus delivers each entry to one consumer of a group), it is stale
 * the moment it is late, and nothing needs it replayed: a process that missed messages
 * while disconnected clears its L1 on resubscribing, and L2 judges staleness itself from
 * the tags' generations.
 */
export async function createL2Level(opts: L2Options) {
  const keys = cacheKeys(opts.keyPrefix);
  const client = await connectRedis(opts.redisUrl, `wow-cache-${opts.instanceId}`, { autoPipelining: true });
  let subscriber: Redis;
  try {
    subscriber = await connectRedis(opts.redisUrl, `wow-cache-sub-${opts.instanceId}`);
    await subscriber.subscribe(keys.channel);
  } catch (err) {
    client.disconnect();
    throw err;
  }
  const scripts = loadCacheScripts(client);
  const waiters = new Map<string, Set<() => void>>();
  const waiterKey = (ns: string, key: string) => `${ns}\n${key}`;
  const message = (m: Said) => JSON.stringify({ ...m, from: opts.instanceId });

  // A `ready` after a `close` follows a break, during which messages were lost to this process.
  let broken = false;
  subscriber.on('close', () => {
    broken = true;
  });
  subscriber.on('ready', () => {
    if (!broken) return;
    broken = false;
    opts.onResubscribed();
  });
  subscriber.on('message', (_channel: string, text: string) => {
    let m: CacheMessage;
    try {
      m = JSON.parse(text) as CacheMessage;
    } catch {
      opts.log.warn({ channel: keys.channel }, 'a cache message that is not JSON was ignored');
      return;
    }
    if (m.op === 'filled') {
      const woken = waiters.get(waiterKey(m.ns, m.key));
      waiters.delete(waiterKey(m.ns, m.key));
      for (const wake of woken ?? []) wake();
    } else if (m.from !== opts.instanceId) opts.onChange(m);
  });

  return {
    getOrLock(
      ns: string,
      key: string,
      token: string,
      leaseMs: number,
      tags: readonly string[],
    ): Promise<GetOrLockReply> {
      return scripts.getOrLock(
        [keys.value(ns, key), keys.lock(ns, key)],
        [token, leaseMs, keys.generationPrefix(ns), ...tags],
      );
    },
    async fill(f: {
      ns: string;
      key: string;
      token: string;
      ttlMs: number;
      json: string;
      tags: readonly string[];
      generations: string;
    }): Promise<boolean> {
      const stored = await scripts.fill(
        [keys.value(f.ns, f.key), keys.lock(f.ns, f.key)],
        [
          f.token,
          f.ttlMs,
          f.json,
          keys.generationPrefix(f.ns),
          JSON.stringify(f.tags),
          f.generations,
          keys.channel,
          message({ op: 'filled', ns: f.ns, key: f.key }),
        ],
      );
      return stored === 1;
    },
    async release(ns: string, key: string, token: string): Promise<void> {
      await scripts.release([keys.lock(ns, key)], [token, keys.channel, message({ op: 'filled', ns, key })]);
    },
    async delete(ns: string, key: string): Promise<void> {
      await client.del(keys.value(ns, key));
      await client.publish(keys.channel, message({ op: 'delete', ns, key }));
    },
    async invalidate(ns: string, tags: readonly string[]): Promise<void> {
      await scripts.invalidate([
        keys.generationPrefix(ns),
        maxTtlSeconds,
        keys.channel,
        message({ op: 'invalidate', ns, tags: [...tags] }),
        ...tags,
      ]);
    },
    /** Resolves when the key is filled (or its lock released) by anyone, or after `ms`. */
    waitForFill(ns: string, key: string, ms: number): Promise<void> {
      return new Promise((resolve) => {
        const k = waiterKey(ns, key);
        let set = waiters.get(k);
        if (set === undefined) waiters.set(k, (set = new Set()));
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          set.delete(wake);
          if (set.size === 0 && waiters.get(k) === set) waiters.delete(k);
          resolve();
        }, ms);
        set.add(wake);
      });
    },
    async close(): Promise<void> {
      await Promise.all([client.quit(), subscriber.quit()]);
    },
  };
}

export type L2Level = Awaited<ReturnType<typeof createL2Level>>;
