import { readFileSync } from 'node:fs';
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

interface Claim {
  key: string;
  entryId: string;
  ttlMs: number;
  resolve: (first: boolean) => void;
  reject: (err: unknown) => void;
}

const claimSeenLua = readFileSync(new URL('./lua/claim-seen.lua', import.meta.url), 'utf8');

/**
 * Shared by every process on the Redis bus: `SET key entry PX ttl NX GET` per message,
 * which sets the key when it is new and otherwise returns the entry that holds it. The
 * claims made in one turn of the event loop (a read's deliveries verified together) go in
 * one script call (lua/claim-seen.lua): one command for the read, not one per message,
 * which cost the Redis bus as much as the message's own XADD. The keys live beside the
 * bus's, so they go with its data (after a loss, the outbox publishes again under the
 * same ids, and those are no replays).
 */
export function createRedisReplayCache(client: Redis, keyPrefix: string): ReplayCache {
  // Its number of keys varies with the turn: given with each call. EVALSHA, EVAL once per connection.
  client.defineCommand('wowClaimSeen', { lua: claimSeenLua });
  const claimSeen = (
    client as unknown as { wowClaimSeen(...a: (string | number)[]): Promise<number[]> }
  ).wowClaimSeen.bind(client);
  let waiting: Claim[] = [];
  const flush = () => {
    const claims = waiting;
    waiting = [];
    const args: (string | number)[] = [claims.length];
    for (const c of claims) args.push(c.key);
    for (const c of claims) args.push(c.entryId, Math.max(1, Math.ceil(c.ttlMs)));
    claimSeen(...args).then(
      (firsts) => claims.forEach((c, i) => c.resolve(firsts[i] === 1)),
      (err: unknown) => {
        for (const c of claims) c.reject(err);
      },
    );
  };
  return {
    claim(group, jti, entryId, ttlMs) {
      return new Promise<boolean>((resolve, reject) => {
        // After the promise jobs now queued: the read's other deliveries reach their claims first.
        if (waiting.length === 0) process.nextTick(flush);
        waiting.push({ key: `${keyPrefix}seen:${group}:${jti}`, entryId, ttlMs, resolve, reject });
      });
    },
    async forget(group, jti) {
      await client.del(`${keyPrefix}seen:${group}:${jti}`);
    },
  };
}
