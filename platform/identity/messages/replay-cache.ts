import type { Redis } from 'ioredis';

/**
 * Which message ids each consumer group has accepted, and in which bus entry: the same
 * entry delivered again (a retry, a crash) is no replay; the same id in another entry is.
 */
export interface ReplayCache {
  /** Records `jti` as accepted by `group` in `entryId` for `ttlMs`; false when it was accepted in another entry. */
  claim(group: string, jti: string, entryId: string, ttlMs: number): Promise<boolean>;
  /** Forgets that `group` accepted `jti` (a redrive sends it again). */
  forget(group: string, jti: string): Promise<void>;
}

/** For one process (the in-process bus): ids in a map, swept as they expire. */
export function createMemoryReplayCache(clock: () => number = Date.now): ReplayCache {
  const seen = new Map<string, { entryId: string; until: number }>();
  let nextSweep = 0;
  return {
    claim(group, jti, entryId, ttlMs) {
      const now = clock();
      if (now >= nextSweep) {
        for (const [key, v] of seen) if (v.until <= now) seen.delete(key);
        nextSweep = now + 10_000;
      }
      const key = `${group}\n${jti}`;
      const held = seen.get(key);
      if (held !== undefined && held.until > now) return Promise.resolve(held.entryId === entryId);
      seen.set(key, { entryId, until: now + ttlMs });
      return Promise.resolve(true);
    },
    forget(group, jti) {
      seen.delete(`${group}\n${jti}`);
      return Promise.resolve();
    },
  };
}

/**
 * Shared by every process on the Redis bus: one `SET key entry PX ttl NX GET` per message,
 * which sets the key when it is new and otherwise returns the entry that holds it. The keys
 * live beside the bus's, so they go with its data (after a loss, the outbox publishes again
 * under the same ids, and those are no replays).
 */
export function createRedisReplayCache(client: Redis, keyPrefix: string): ReplayCache {
  return {
    async claim(group, jti, entryId, ttlMs) {
      const held = (await client.call(
        'SET',
        `${keyPrefix}seen:${group}:${jti}`,
        entryId,
        'PX',
        String(Math.max(1, Math.ceil(ttlMs))),
        'NX',
        'GET',
      )) as string | null;
      return held === null || held === entryId;
    },
    async forget(group, jti) {
      await client.del(`${keyPrefix}seen:${group}:${jti}`);
    },
  };
}
