import { randomBytes, randomUUID } from 'node:crypto';
import { createError } from '../errors/errors.ts';
import type { Logger } from '../log/logger.ts';
import type { PgQueryable } from '../store/store.ts';
import {
  assertCacheKeyValid,
  assertEntryOptionsValid,
  decodeValue,
  encodeValue,
  maxTtlSeconds,
} from './assert-cache-args.ts';
import type { AgentCache, Cache, Json, NamespaceFigures, NamespaceTuning } from './cache.ts';
import { createCacheFigures, type CountName } from './cache-figures.ts';
import { L1Level } from './l1-level.ts';
import { createL2Level, type L2Level } from './l2-level.ts';

/** Each count as it happens, for Prometheus (`Metrics.cache`). */
export interface CacheObserver {
  counted(namespace: string, name: CountName, by: number): void;
}

export interface CreateCacheOptions {
  /** Redis as L2 when set; L1 and the loader only otherwise (the in-process bus's one process). */
  redisUrl?: string | undefined;
  /** The bus's key prefix (BUS_KEY_PREFIX): the cache's keys live beside the bus's. */
  keyPrefix?: string;
  log: Logger;
  observer?: CacheObserver | undefined;
  /** Where the per-minute figures go and the tuning is read (WowCache's tables); neither without it. */
  store?: PgQueryable | undefined;
  /** Each namespace's L1 bound until WowCache tunes it (CACHE_L1_MAX_ENTRIES). */
  l1MaxEntries?: number;
  /** A value whose JSON is longer is returned uncached and counted (CACHE_MAX_VALUE_BYTES). */
  maxValueBytes?: number;
  /** How long a load lock holds: a holder that dies frees the key this long after. */
  lockLeaseMs?: number;
  /** How long a caller waits for another's load before loading itself. Default: the lease. */
  maxWaitMs?: number;
  /** A waiter looks again this often even without a fill message (one lost to a break). */
  pollMs?: number;
  flushIntervalMs?: number;
  tuningRefreshMs?: number;
  instanceId?: string;
  /** Which minute a count falls in (default: now). */
  clock?: () => number;
}

interface Namespace {
  name: string;
  tuning: NamespaceTuning;
  l1: L1Level;
  /** Loads in progress in this process, which later callers of the same key join. */
  flights: Map<string, Promise<Json>>;
}

// PostgreSQL's undefined_table: WowCache's migration has not run here (the agent is not installed).
const undefinedTable = '42P01';
const namespacePattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * The process's cache (docs/architecture.md, "The cache"). Each agent gets its namespace
 * as `ctx.cache`. Figures are added to the shared table each `flushIntervalMs`, and the
 * tuning WowCache decides is read each `tuningRefreshMs`: a tuned namespace changes in
 * every process within that interval.
 */
export async function createCache(opts: CreateCacheOptions): Promise<Cache> {
  const { log } = opts;
  const defaults: NamespaceTuning = { ttlFactor: 1, l1MaxEntries: opts.l1MaxEntries ?? 1000 };
  const maxValueBytes = opts.maxValueBytes ?? 256 * 1024;
  const lockLeaseMs = opts.lockLeaseMs ?? 5000;
  const maxWaitMs = opts.maxWaitMs ?? lockLeaseMs;
  const pollMs = opts.pollMs ?? 100;
  const instanceId = opts.instanceId ?? randomBytes(6).toString('hex');
  const figures = createCacheFigures(opts.clock);
  const namespaces = new Map<string, Namespace>();
  let tuned = new Map<string, NamespaceTuning>();

  const count = (ns: Namespace, name: CountName, by = 1) => {
    figures.add(ns.name, name, { entries: ns.l1.size, bound: ns.tuning.l1MaxEntries }, by);
    opts.observer?.counted(ns.name, name, by);
  };
  const namespaceOf = (name: string): Namespace => {
    const known = namespaces.get(name);
    if (known !== undefined) return known;
    const tuning = tuned.get(name) ?? defaults;
    const created: Namespace = {
      name,
      tuning,
      l1: new L1Level(tuning, {
        evicted: () => count(created, 'evictions'),
        expired: () => count(created, 'expired'),
      }),
      flights: new Map(),
    };
    namespaces.set(name, created);
    return created;
  };

  const l2: L2Level | undefined =
    opts.redisUrl === undefined
      ? undefined
      : await createL2Level({
          redisUrl: opts.redisUrl,
          keyPrefix: opts.keyPrefix ?? 'wow:',
          instanceId,
          log,
          onChange: (m) => {
            const ns = namespaces.get(m.ns);
            if (m.op === 'delete') ns?.l1.delete(m.key);
            else ns?.l1.dropTags(m.tags);
          },
          onResubscribed: () => {
            log.warn(
              'cache: the invalidation channel was re-established; every L1 is cleared, as messages may be lost',
            );
            for (const ns of namespaces.values()) ns.l1.clear();
          },
        });

  // In a Redis outage every read would say so: once per 10 s is enough, with how many were skipped.
  let warnedAt = Number.NEGATIVE_INFINITY;
  let unsaid = 0;
  const warnRedis = (err: unknown, namespace: string, what: string) => {
    const now = performance.now();
    if (now - warnedAt < 10_000) {
      unsaid += 1;
      return;
    }
    log.warn({ err, namespace, alike: unsaid }, `cache: ${what}`);
    warnedAt = now;
    unsaid = 0;
  };

  const ttlMsOf = (ns: Namespace, ttlSeconds: number) =>
    Math.max(1000, Math.round(Math.min(maxTtlSeconds, ttlSeconds * ns.tuning.ttlFactor) * 1000));

  /** Calls the loader, timed and counted; its value as JSON, or undefined when too large to cache. */
  const load = async (ns: Namespace, key: string, loader: () => Promise<unknown>) => {
    const started = performance.now();
    const value = await loader();
    count(ns, 'loads');
    count(ns, 'loadSecondsSum', (performance.now() - started) / 1000);
    const json = encodeValue(ns.name, key, value);
    if (Buffer.byteLength(json) <= maxValueBytes) return { json, cacheable: true };
    count(ns, 'oversize');
    return { json, cacheable: false };
  };

  /** Keeps a loaded value in L1 unless a change reached this process while it loaded. */
  const keep = (ns: Namespace, key: string, value: Json, tags: readonly string[], ttlMs: number, epoch: number) => {
    if (ns.l1.epoch === epoch) ns.l1.set(key, value, tags, ttlMs);
  };

  const fetchLocal = async (
    ns: Namespace,
    key: string,
    ttlMs: number,
    tags: string[],
    loader: () => Promise<unknown>,
  ) => {
    const epoch = ns.l1.epoch;
    const { json, cacheable } = await load(ns, key, loader);
    const value = decodeValue(json);
    if (cacheable) keep(ns, key, value, tags, ttlMs, epoch);
    return value;
  };

  const fetchShared = async (
    level: L2Level,
    ns: Namespace,
    key: string,
    ttlMs: number,
    tags: string[],
    loader: () => Promise<unknown>,
  ): Promise<Json> => {
    const epoch = ns.l1.epoch;
    const token = randomUUID();
    const deadline = performance.now() + maxWaitMs;
    let waited = false;
    for (;;) {
      let reply;
      try {
        reply = await level.getOrLock(ns.name, key, token, lockLeaseMs, tags);
      } catch (err) {
        // A cache that cannot reach Redis still answers: from the loader, as L1 and L3.
        warnRedis(err, ns.name, 'Redis did not answer; loading without L2');
        return fetchLocal(ns, key, ttlMs, tags, loader);
      }
      if (reply[0] === 'hit') {
        count(ns, 'l2Hits');
        const value = decodeValue(reply[1]);
        keep(ns, key, value, tags, Math.min(ttlMs, reply[2]), epoch);
        return value;
      }
      const locked = reply[0] === 'lock';
      if (locked || performance.now() >= deadline) {
        // Past the wait, a caller loads without the lock: the holder is slow, or gone and its lease not yet out.
        let loaded;
        try {
          loaded = await load(ns, key, loader);
        } catch (err) {
          if (locked) await level.release(ns.name, key, token).catch(() => undefined);
          throw err;
        }
        const value = decodeValue(loaded.json);
        if (loaded.cacheable) {
          const stored = await level
            .fill({ ns: ns.name, key, token, ttlMs, json: loaded.json, tags, generations: reply[1] })
            .catch((err: unknown) => {
              warnRedis(err, ns.name, 'could not store a value in Redis');
              return false;
            });
          if (stored) keep(ns, key, value, tags, ttlMs, epoch);
        } else if (locked) await level.release(ns.name, key, token).catch(() => undefined);
        return value;
      }
      if (!waited) count(ns, 'stampedeWaits');
      waited = true;
      await level.waitForFill(ns.name, key, Math.min(pollMs, deadline - performance.now()));
    }
  };

  const agentCache = (ns: Namespace): AgentCache => ({
    namespace: ns.name,
    async getOrSet<T>(key: string, options: Parameters<AgentCache['getOrSet']>[1], loader: () => Promise<T>) {
      assertCacheKeyValid(key);
      const { ttlSeconds, tags } = assertEntryOptionsValid(options);
      const held = ns.l1.get(key);
      if (held !== undefined) {
        count(ns, 'l1Hits');
        return held.value as T;
      }
      const flight = ns.flights.get(key);
      if (flight !== undefined) {
        count(ns, 'stampedeWaits');
        return (await flight) as T;
      }
      const ttlMs = ttlMsOf(ns, ttlSeconds);
      const started =
        l2 === undefined ? fetchLocal(ns, key, ttlMs, tags, loader) : fetchShared(l2, ns, key, ttlMs, tags, loader);
      const done = started.finally(() => ns.flights.delete(key));
      ns.flights.set(key, done);
      return (await done) as T;
    },
    async get<T>(key: string): Promise<T | undefined> {
      assertCacheKeyValid(key);
      const held = ns.l1.get(key);
      if (held !== undefined) return held.value as T;
      if (l2 === undefined) return undefined;
      const reply = await l2.getOrLock(ns.name, key, '', 0, []);
      return reply[0] === 'hit' ? (decodeValue(reply[1]) as T) : undefined;
    },
    async delete(key) {
      assertCacheKeyValid(key);
      ns.l1.delete(key);
      await l2?.delete(ns.name, key);
    },
    async invalidateTags(tags) {
      const valid = [...new Set(tags.map((t) => assertCacheKeyValid(t, 'tag')))];
      if (valid.length === 0) return;
      ns.l1.dropTags(valid);
      await l2?.invalidate(ns.name, valid);
    },
  });

  const refreshTuning = async () => {
    if (opts.store === undefined) return;
    const { rows } = await opts.store.query<{ namespace: string; ttl_factor: number; l1_max_entries: number }>(
      'select namespace, ttl_factor, l1_max_entries from cache_tuning',
    );
    tuned = new Map(rows.map((r) => [r.namespace, { ttlFactor: r.ttl_factor, l1MaxEntries: r.l1_max_entries }]));
    for (const ns of namespaces.values()) {
      ns.tuning = tuned.get(ns.name) ?? defaults;
      ns.l1.resize(ns.tuning.l1MaxEntries);
    }
  };
  const flushFigures = async () => {
    if (opts.store !== undefined) await figures.flush(opts.store);
  };
  // Without WowCache's tables nothing is kept or tuned, which is said once, not every interval.
  let saidMissing = false;
  const inBackground = (what: string, work: () => Promise<void>) => () =>
    work().catch((err: unknown) => {
      if ((err as { code?: unknown }).code !== undefinedTable) log.warn({ err }, `cache: could not ${what}`);
      else if (!saidMissing) {
        saidMissing = true;
        log.info('cache: WowCache’s tables are absent; figures stay in this process and the tuning is the default');
      }
    });
  const recordInBackground = inBackground('record its figures', flushFigures);
  const tuneInBackground = inBackground('read its tuning', refreshTuning);
  const timers =
    opts.store === undefined
      ? []
      : [
          setInterval(() => void recordInBackground(), opts.flushIntervalMs ?? 10_000),
          setInterval(() => void tuneInBackground(), opts.tuningRefreshMs ?? 30_000),
        ];
  for (const timer of timers) timer.unref();
  await tuneInBackground();

  return {
    kind: l2 === undefined ? 'memory' : 'redis',
    namespace(name) {
      if (!namespacePattern.test(name))
        throw createError('WOW_ERR_CACHE_ARGUMENT', {
          what: `the namespace ${JSON.stringify(name)}`,
          problem: 'is no agent id',
          fix: 'Name it in kebab-case, as agent.yml spells an id.',
        });
      return agentCache(namespaceOf(name));
    },
    figures: (): NamespaceFigures[] =>
      [...namespaces.values()].map((ns) => ({
        namespace: ns.name,
        ...figures.totals(ns.name),
        l1Entries: ns.l1.size,
        tuning: ns.tuning,
      })),
    refreshTuning,
    flushFigures,
    async close() {
      for (const timer of timers) clearInterval(timer);
      await recordInBackground();
      await l2?.close();
    },
  };
}
