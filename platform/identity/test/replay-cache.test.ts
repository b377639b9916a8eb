import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryReplayCache,
  createRedisReplayCache,
  replayHoldMs,
  type ReplayCache,
} from '../messages/replay-cache.ts';
import { loadConfig } from '../../config/load-config.ts';
import { openReplayCache } from '../../open-message-guard.ts';
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

  const one = async (group: string, jti: string, entryId: string, ttlMs = 60_000) =>
    (await cache.claim(group, [{ jti, entryId }], ttlMs))[0];

  it('answers each claim of a read on its own: first ones pass, another entry of a claimed id is a replay', async () => {
    const read = await cache.claim(
      'g',
      [
        ...Array.from({ length: 50 }, (_, n) => ({ jti: `id-${n}`, entryId: `${n}-0` })),
        // Within the same read: the same id in another entry, and in the same entry again.
        { jti: 'id-3', entryId: '999-0' },
        { jti: 'id-4', entryId: '4-0' },
      ],
      60_000,
    );
    expect(read.slice(0, 50).every(Boolean)).toBe(true);
    expect(read.slice(50)).toEqual([false, true]);
    // Another group keeps its own ids; no claims, no answers.
    expect(await one('h', 'id-3', '999-0')).toBe(true);
    expect(await cache.claim('g', [], 60_000)).toEqual([]);
    // A later read sees what the first claimed.
    expect(await one('g', 'id-7', '8-0')).toBe(false);
    expect(await one('g', 'id-7', '7-0')).toBe(true);
    // Forgotten (a redrive), the id is accepted once more, in its new entry.
    await cache.forget('g', 'id-7');
    expect(await one('g', 'id-7', '8-0')).toBe(true);
    // No key per id: one hash per group and span of time.
    if (client !== undefined) expect((await client.keys(`${keyPrefix}*`)).length).toBeLessThanOrEqual(4);
  });

  it("takes back a refused delivery's claim only where it holds the id: another entry that took it keeps it", async () => {
    expect(
      await cache.claim(
        'back',
        [
          { jti: 'forged', entryId: '1-0' },
          { jti: 'kept', entryId: '2-0' },
        ],
        60_000,
      ),
    ).toEqual([true, true]);
    // Taken back for the entry that holds each: `forged` is free again, `kept` is held by 2-0, not 3-0.
    await cache.release('back', [
      { jti: 'forged', entryId: '1-0' },
      { jti: 'kept', entryId: '3-0' },
    ]);
    expect(await one('back', 'forged', '5-0')).toBe(true);
    expect(await one('back', 'kept', '3-0')).toBe(false);
    expect(await one('back', 'kept', '2-0')).toBe(true);
    // Another group's claim of the same id is its own.
    expect(await one('other', 'forged', '1-0')).toBe(true);
    await cache.release('back', [{ jti: 'forged', entryId: '1-0' }]);
    expect(await one('other', 'forged', '9-0')).toBe(false);
    expect(await one('back', 'forged', '9-0')).toBe(false);
  });

  it('takes ids of any characters, each claimed apart from the others of its read', async () => {
    const odd = ['a"b', 'back\\slash', 'line\nbreak', 'ünïcødé 🚀', '["x","1-0"]', 'lone \ud800 surrogate', '\u0000'];
    const claims = (shift: number) => odd.map((jti, n) => ({ jti, entryId: `${n + shift}-0` }));
    expect(await cache.claim('odd', claims(0), 60_000)).toEqual(odd.map(() => true));
    expect(await cache.claim('odd', claims(100), 60_000)).toEqual(odd.map(() => false));
    expect(await one('odd', 'a"b', '0-0')).toBe(true);
  });

  it('claims a read of more ids than one script call takes, in the order given', async () => {
    const many = Array.from({ length: 2500 }, (_, n) => ({ jti: `many-${n % 2400}`, entryId: `${n}-0` }));
    const firsts = await cache.claim('many', many, 60_000);
    // The last hundred repeat ids claimed earlier in the read, in other entries.
    expect(firsts.slice(0, 2400).every(Boolean)).toBe(true);
    expect(firsts.slice(2400)).toEqual(Array.from({ length: 100 }, () => false));
  });

  it('refuses to hold an id for longer than it keeps ids, rather than forget it early', async () => {
    await expect(one('g', 'long', '1-0', replayHoldMs + 1)).rejects.toThrow(/longer than the cache holds ids/);
    expect(await one('g', 'long', '1-0', replayHoldMs)).toBe(true);
  });
});

describe('replay cache in memory, as time passes', () => {
  it('holds an id at least two spans of time, and forgets it after three', async () => {
    const spanMs = replayHoldMs / 2;
    let now = 5 * spanMs + 1;
    const cache = createMemoryReplayCache(() => now);
    const one = async (entryId: string) => (await cache.claim('g', [{ jti: 'id', entryId }], replayHoldMs))[0];
    expect(await one('1-0')).toBe(true);
    // Claimed at the start of a span: still known at the end of the second after it.
    now += 3 * spanMs - 2;
    expect(await one('2-0')).toBe(false);
    // Its span has dropped off: the id is new again, in a new entry.
    now += 2;
    expect(await one('2-0')).toBe(true);
    // A clock set back keeps what is held.
    now -= 10 * spanMs;
    expect(await one('3-0')).toBe(false);
  });
});

describe('replay cache on a Redis that cannot answer', () => {
  it("fails a read's claims when Redis cannot answer: none is taken for a first delivery", async () => {
    const closed = new Redis(testRedisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    // Its failures are the claims' to report, not the client's.
    closed.on('error', () => undefined);
    const broken = createRedisReplayCache(closed, `${uniqueName('replay')}:`);
    await expect(
      broken.claim(
        'g',
        [
          { jti: 'x', entryId: '1-0' },
          { jti: 'y', entryId: '2-0' },
        ],
        1000,
      ),
    ).rejects.toThrow();
    closed.disconnect();
  });
});

// The guard sends a read's claim before checking the read, so that Redis answers while the
// checks run (verify-message.ts): the platform's connection must write it then, not at the
// next turn of the event loop, as ioredis's automatic pipelining would.
describe('the platform’s replay cache on Redis', () => {
  it('writes a claim in the turn it is asked, before the work that follows it in that turn', async () => {
    const keyPrefix = `${uniqueName('replay')}:`;
    const { replay, close } = await openReplayCache(loadConfig({ REDIS_URL: testRedisUrl, BUS_KEY_PREFIX: keyPrefix }));
    const monitor = await new Redis(testRedisUrl).monitor();
    try {
      // Connected and the script loaded: what follows measures the claim alone.
      await replay.claim('g', [{ jti: 'warm', entryId: '1-0' }], 60_000);
      const seen = new Promise<number>((resolve) =>
        monitor.on('monitor', (time: string, args: string[]) => {
          if (args[0]?.toLowerCase() === 'evalsha' && args.includes('id-1')) resolve(Number(time) * 1000);
        }),
      );
      const answered = replay.claim('g', [{ jti: 'id-1', entryId: '2-0' }], 60_000);
      // The read's checks, in the same turn.
      const checksEnd = Date.now() + 200;
      while (Date.now() < checksEnd);
      expect(await answered).toEqual([true]);
      // Redis took the claim while the checks ran.
      expect(await seen).toBeLessThan(checksEnd);
    } finally {
      monitor.disconnect();
      await close();
      await deleteRedisKeys(keyPrefix);
    }
  });
});
