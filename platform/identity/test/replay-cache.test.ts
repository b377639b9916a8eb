import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryReplayCache,
  createRedisReplayCache,
  replayHoldMs,
  type ReplayCache,
} from '../messages/replay-cache.ts';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';

// The replay cache behind the `replay` refusal (docs/security.md, "Signed messages"): the
// same id accepted again only in the entry that first held it. On Redis the claims of one
// turn of the event loop go in one script call; each still gets its own answer.
describe.each([
  { name: 'in memory', redis: false },
  { name: 'on Redis', redis: true },
])('replay cache $name', ({ redis }) => {
  const keyPrefix = `${uniqueName('replay')}:`;
  let client: Redis | undefined;
  let cache: ReplayCache;

  beforeAll(() => {
    client = redis ? new Redis(testRedisUrl) : undefined;
    cache = client === undefined ? createMemoryReplayCache() : createRedisReplayCache(client, keyPrefix);
  });
  afterAll(async () => {
    if (client !== undefined) {
      await deleteRedisKeys(keyPrefix);
      client.disconnect();
    }
  });

  it('answers each claim of a burst on its own: first ones pass, another entry of a claimed id is a replay', async () => {
    const burst = await Promise.all([
      ...Array.from({ length: 50 }, (_, n) => cache.claim('g', `id-${n}`, `${n}-0`, 60_000)),
      // Within the same burst: the same id in another entry, and in the same entry again.
      cache.claim('g', 'id-3', '999-0', 60_000),
      cache.claim('g', 'id-4', '4-0', 60_000),
      // Another group keeps its own ids.
      cache.claim('h', 'id-3', '999-0', 60_000),
    ]);
    expect(burst.slice(0, 50).every(Boolean)).toBe(true);
    expect(burst.slice(50)).toEqual([false, true, true]);
    // A later turn sees what the burst claimed.
    expect(await cache.claim('g', 'id-7', '8-0', 60_000)).toBe(false);
    expect(await cache.claim('g', 'id-7', '7-0', 60_000)).toBe(true);
    // Forgotten (a redrive), the id is accepted once more, in its new entry.
    await cache.forget('g', 'id-7');
    expect(await cache.claim('g', 'id-7', '8-0', 60_000)).toBe(true);
    // No key per id: one hash per group and span of time.
    if (client !== undefined) expect((await client.keys(`${keyPrefix}*`)).length).toBeLessThanOrEqual(4);
  });

  it('takes ids of any characters, each claimed apart from the others of its burst', async () => {
    const odd = ['a"b', 'back\\slash', 'line\nbreak', 'ünïcødé 🚀', '["x","1-0"]', 'lone \ud800 surrogate', '\u0000'];
    expect(await Promise.all(odd.map((id, n) => cache.claim('odd', id, `${n}-0`, 60_000)))).toEqual(
      odd.map(() => true),
    );
    expect(await Promise.all(odd.map((id, n) => cache.claim('odd', id, `${n + 100}-0`, 60_000)))).toEqual(
      odd.map(() => false),
    );
    expect(await cache.claim('odd', 'a"b', '0-0', 60_000)).toBe(true);
  });

  it('refuses to hold an id for longer than it keeps ids, rather than forget it early', async () => {
    await expect(cache.claim('g', 'long', '1-0', replayHoldMs + 1)).rejects.toThrow(/longer than the cache holds ids/);
    expect(await cache.claim('g', 'long', '1-0', replayHoldMs)).toBe(true);
  });
});

describe('replay cache in memory, as time passes', () => {
  it('holds an id at least two spans of time, and forgets it after three', async () => {
    const spanMs = replayHoldMs / 2;
    let now = 5 * spanMs + 1;
    const cache = createMemoryReplayCache(() => now);
    expect(await cache.claim('g', 'id', '1-0', replayHoldMs)).toBe(true);
    // Claimed at the start of a span: still known at the end of the second after it.
    now += 3 * spanMs - 2;
    expect(await cache.claim('g', 'id', '2-0', replayHoldMs)).toBe(false);
    // Its span has dropped off: the id is new again, in a new entry.
    now += 2;
    expect(await cache.claim('g', 'id', '2-0', replayHoldMs)).toBe(true);
    // A clock set back keeps what is held.
    now -= 10 * spanMs;
    expect(await cache.claim('g', 'id', '3-0', replayHoldMs)).toBe(false);
  });
});

describe('replay cache on a Redis that cannot answer', () => {
  it('fails every claim of a burst when Redis cannot answer: none is taken for a first delivery', async () => {
    const closed = new Redis(testRedisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    // Its failures are the claims' to report, not the client's.
    closed.on('error', () => undefined);
    const broken = createRedisReplayCache(closed, `${uniqueName('replay')}:`);
    const outcomes = await Promise.allSettled([
      broken.claim('g', 'x', '1-0', 1000),
      broken.claim('g', 'y', '2-0', 1000),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    closed.disconnect();
  });
});
