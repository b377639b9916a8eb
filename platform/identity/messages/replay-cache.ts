import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** A message id a consumer group is to accept, and the bus entry that holds it. */
export interface ReplayClaim {
  jti: string;
  entryId: string;
}

/**
 * Which message ids each consumer group has accepted, and in which bus entry: the same
 * entry delivered again (a retry, a crash) is no replay; the same id in another entry is.
 */
export interface ReplayCache {
  /**
   * Records each claim's `jti` as accepted by `group` in its entry, to be held at least
   * `ttlMs`: for each, false when the id was accepted in another entry (by an earlier
   * call, or earlier in this one). A read's deliveries are claimed in one call. Rejects a
   * `ttlMs` longer than the cache holds ids (`replayHoldMs`): the deliveries then wait,
   * they are never let through unchecked.
   */
  claim(group: string, claims: readonly ReplayClaim[], ttlMs: number): Promise<boolean[]>;
  /**
   * Takes back claims whose deliveries were refused after claiming: each id is forgotten
   * where it is held for that entry, and kept where another entry took it.
   */
  release(group: string, claims: readonly ReplayClaim[]): Promise<void>;
  /** Forgets that `group` accepted `jti` (a redrive sends it again). */
  forget(group: string, jti: string): Promise<void>;
}

/**
 * Ids are kept by spans of time: those accepted in the current span, looked up with those
 * of the two spans before it, so an id is held at least two spans (20 min) and at most
 * three. The verifier asks for at most 18 min past the moment it claims an id: a copy may
 * be appended until `exp` + 60 s skew, `exp` is at most 360 s after the bus took the
 * entry (whose clock may be up to 60 s ahead of the verifier's), and a 10 min margin.
 * Dropping a whole span at once costs nothing per id, where an expiry of its own per id
 * cost as much as the message.
 */
export const replaySpanSeconds = 600;
export const replayHoldMs = 2 * replaySpanSeconds * 1000;

const tooLong = (ttlMs: number) =>
  new RangeError(`a replay claim held ${ttlMs} ms is longer than the cache holds ids (${replayHoldMs} ms)`);

/** For one process (the in-process bus): per group, a map of id → entry per span. */
export function createMemoryReplayCache(clock: () => number = Date.now): ReplayCache {
  const groups = new Map<string, { span: number; spans: Map<string, string>[] }>();
  // The group's maps, newest first, moved on to the clock's span (a clock set back moves nothing).
  const spansOf = (group: string): Map<string, string>[] => {
    const span = Math.floor(clock() / (replaySpanSeconds * 1000));
    const held = groups.get(group);
    if (held === undefined) {
      const fresh = { span, spans: [new Map<string, string>(), new Map<string, string>(), new Map<string, string>()] };
      groups.set(group, fresh);
      return fresh.spans;
    }
    for (let moved = Math.min(span - held.span, held.spans.length); moved > 0; moved--) {
      held.spans.pop();
      held.spans.unshift(new Map());
    }
    held.span = Math.max(held.span, span);
    return held.spans;
  };
  return {
    claim(group, claims, ttlMs) {
      if (ttlMs > replayHoldMs) return Promise.reject(tooLong(ttlMs));
      const spans = spansOf(group);
      return Promise.resolve(
        claims.map(({ jti, entryId }) => {
          for (const span of spans) {
            const first = span.get(jti);
            if (first !== undefined) return first === entryId;
          }
          spans[0]?.set(jti, entryId);
          return true;
        }),
      );
    },
    release(group, claims) {
      for (const span of groups.get(group)?.spans ?? [])
        for (const { jti, entryId } of claims) if (span.get(jti) === entryId) span.delete(jti);
      return Promise.resolve();
    },
    forget(group, jti) {
      for (const span of groups.get(group)?.spans ?? []) span.delete(jti);
      return Promise.resolve();
    },
  };
}

const lua = (name: string) => readFileSync(new URL(`./lua/${name}`, import.meta.url), 'utf8');
const claimSeenLua = lua('claim-seen.lua');
const forgetSeenLua = lua('forget-seen.lua');
const releaseSeenLua = lua('release-seen.lua');
// Ids per script call: its HMGET and HSET unpack them onto Lua's stack (at most 8,000 values).
const maxClaimsPerCall = 1000;

/**
 * Shared by every process on the Redis bus: per group, a hash of id → entry per span of
 * the server's clock (lua/claim-seen.lua). A read's claims go in one script call, which
 * looks each id up in the three spans' hashes and adds the new ones to the current one: a
 * few commands per read, and no key or expiry per message, which had cost Redis more than
 * the message's own XADD. The hashes live beside the bus's keys, so they go with its data
 * (after a loss, the outbox publishes again under the same ids, and those are no replays).
 */
export function createRedisReplayCache(client: Redis, keyPrefix: string): ReplayCache {
  // EVALSHA, EVAL once per connection. The hashes' names follow the server's clock, so the
  // scripts make them from the one key they are given.
  client.defineCommand('wowClaimSeen', { numberOfKeys: 1, lua: claimSeenLua });
  client.defineCommand('wowForgetSeen', { numberOfKeys: 1, lua: forgetSeenLua });
  client.defineCommand('wowReleaseSeen', { numberOfKeys: 1, lua: releaseSeenLua });
  const scripts = client as unknown as {
    wowClaimSeen(base: string, span: number, ...claims: string[]): Promise<string>;
    wowReleaseSeen(base: string, span: number, ...claims: string[]): Promise<number>;
    wowForgetSeen(...a: (string | number)[]): Promise<number>;
  };
  const base = (group: string) => `${keyPrefix}seen:${group}:`;
  // Two arguments a claim: its id and its entry (a loop: a read's claims are on the hot path).
  const argsOf = (claims: readonly ReplayClaim[]) => {
    const args: string[] = [];
    for (const c of claims) args.push(c.jti, c.entryId);
    return args;
  };
  const send = async (group: string, claims: readonly ReplayClaim[]): Promise<boolean[]> => {
    const firsts = await scripts.wowClaimSeen(base(group), replaySpanSeconds, ...argsOf(claims));
    return claims.map((_, i) => firsts.charCodeAt(i) === 49);
  };
  return {
    async claim(group, claims, ttlMs) {
      if (ttlMs > replayHoldMs) throw tooLong(ttlMs);
      if (claims.length <= maxClaimsPerCall) return claims.length === 0 ? [] : send(group, claims);
      const parts: Promise<boolean[]>[] = [];
      for (let from = 0; from < claims.length; from += maxClaimsPerCall)
        parts.push(send(group, claims.slice(from, from + maxClaimsPerCall)));
      return (await Promise.all(parts)).flat();
    },
    async release(group, claims) {
      for (let from = 0; from < claims.length; from += maxClaimsPerCall)
        await scripts.wowReleaseSeen(
          base(group),
          replaySpanSeconds,
          ...argsOf(claims.slice(from, from + maxClaimsPerCall)),
        );
    },
    async forget(group, jti) {
      await scripts.wowForgetSeen(base(group), replaySpanSeconds, jti);
    },
  };
}
