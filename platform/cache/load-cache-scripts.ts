import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const lua = (name: string) => readFileSync(new URL(`./lua/${name}`, import.meta.url), 'utf8');

/** get-or-lock-2.lua's reply: a value and its ms left, or the tags' generations (a JSON array) and whether the caller loads. */
export type GetOrLockReply = ['hit', string, number] | ['lock' | 'wait' | 'miss', string];

/** The cache's Lua scripts as typed calls (EVALSHA, falling back to EVAL once per connection). */
export interface CacheScripts {
  getOrLock(
    keys: [value: string, lock: string],
    args: [token: string, leaseMs: number, generationPrefix: string, ...tags: string[]],
  ): Promise<GetOrLockReply>;
  fill(
    keys: [value: string, lock: string],
    args: [
      token: string,
      ttlMs: number,
      json: string,
      generationPrefix: string,
      tags: string,
      generations: string,
      channel: string,
      message: string,
    ],
  ): Promise<number>;
  release(keys: [lock: string], args: [token: string, channel: string, message: string]): Promise<number>;
  invalidate(
    args: [generationPrefix: string, ttlSeconds: number, channel: string, message: string, ...tags: string[]],
  ): Promise<number>;
}

export function loadCacheScripts(client: Redis): CacheScripts {
  client.defineCommand('wowCacheGetOrLock', { numberOfKeys: 2, lua: lua('get-or-lock-2.lua') });
  client.defineCommand('wowCacheFill', { numberOfKeys: 2, lua: lua('fill-2.lua') });
  client.defineCommand('wowCacheRelease', { numberOfKeys: 1, lua: lua('release-1.lua') });
  client.defineCommand('wowCacheInvalidate', { numberOfKeys: 0, lua: lua('invalidate-0.lua') });
  // defineCommand adds methods at run time; this is their shape.
  const commands = client as unknown as {
    wowCacheGetOrLock(...a: (string | number)[]): Promise<GetOrLockReply>;
    wowCacheFill(...a: (string | number)[]): Promise<number>;
    wowCacheRelease(...a: string[]): Promise<number>;
    wowCacheInvalidate(...a: (string | number)[]): Promise<number>;
  };
  return {
    getOrLock: (keys, args) => commands.wowCacheGetOrLock(...keys, ...args),
    fill: (keys, args) => commands.wowCacheFill(...keys, ...args),
    release: (keys, args) => commands.wowCacheRelease(...keys, ...args),
    invalidate: (args) => commands.wowCacheInvalidate(...args),
  };
}
