import { Redis } from 'ioredis';
import pg from 'pg';
import { createCache, createLogger, type Cache } from '#platform';
import { testDatabaseUrl, testRedisUrl, uniqueName } from '../support/servers.ts';
import { fmt, printTable, quantile } from './stats.ts';

const log = createLogger('silent');

/** Per-call times (µs) of `call` over `keys`, one after another. */
async function timed(keys: readonly string[], call: (key: string) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (const key of keys) {
    const started = performance.now();
    await call(key);
    times.push((performance.now() - started) * 1000);
  }
  return times;
}

const row = (name: string, us: readonly number[]) => [
  name,
  fmt(us.reduce((a, b) => a + b, 0) / us.length),
  fmt(quantile(us, 0.5)),
  fmt(quantile(us, 0.99)),
];

/**
 * ctx.cache's three levels side by side, each beside its reference in the same run: an L1
 * hit against a Map lookup, an L2 hit (a second process's cache, its L1 empty) against a
 * plain GET + JSON.parse, a miss through the loader against the loader's query alone; then
 * a stampede of concurrent misses of one key across two caches sharing Redis, and within
 * one in-process cache, counting the loader's calls.
 */
export async function benchCache(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 2000);
  const stampede = Number(args[1] ?? 1000);
  const redisUrl = process.env.REDIS_URL ?? testRedisUrl;
  const keyPrefix = `${uniqueName('benchcache')}:`;
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL ?? testDatabaseUrl });
  await db.connect();
  const table = uniqueName('bench_cache_rows');
  // The loader reads a row of about 1 KB by key from PostgreSQL, as an agent's lookup does.
  await db.query(`create table ${table} (id text primary key, payload jsonb not null)`);
  await db.query(
    `insert into ${table} select 'k' || n, jsonb_build_object('n', n, 'text', repeat('x', 1000)) from generate_series(0, $1) n`,
    [count * 3 + 1],
  );
  const loader = (id: string) => async () => {
    const { rows } = await db.query<{ payload: unknown }>(`select payload from ${table} where id = $1`, [id]);
    return rows[0]?.payload ?? null;
  };
  const keys = (from: number) => Array.from({ length: count }, (_, i) => `k${from + i}`);
  const caches: Cache[] = [];
  const redis = new Redis(redisUrl);
  try {
    const a = await createCache({ redisUrl, keyPrefix, log, l1MaxEntries: count * 4 });
    const b = await createCache({ redisUrl, keyPrefix, log, l1MaxEntries: count * 4 });
    caches.push(a, b);
    const ttl = { ttl: 600 };
    console.log(`${count} keys per level, values of about 1 KB, Redis ${redisUrl}, PostgreSQL ${db.host}:${db.port}\n`);

    // The loader's query alone, then misses through the cache (lock, loader, fill) on other keys.
    const query = await timed(keys(0), (k) => loader(k)());
    const miss = await timed(keys(count), (k) => a.namespace('bench').getOrSet(k, ttl, loader(k)));
    // Those keys again in the same cache (L1), and in the second cache, whose L1 is empty (L2).
    const l1 = await timed(keys(count), (k) => a.namespace('bench').getOrSet(k, ttl, loader(k)));
    const l2 = await timed(keys(count), (k) => b.namespace('bench').getOrSet(k, ttl, loader(k)));
    const map = new Map(keys(count).map((k) => [k, { n: 1 }]));
    const mapGet = await timed(keys(count), (k) => Promise.resolve(map.get(k)));
    await Promise.all(
      keys(count).map((k) => redis.set(`${keyPrefix}raw:${k}`, JSON.stringify({ n: 1, text: 'x'.repeat(1000) }))),
    );
    const rawGet = await timed(
      keys(count),
      async (k) => JSON.parse((await redis.get(`${keyPrefix}raw:${k}`)) ?? 'null') as unknown,
    );
    printTable([
      ['per read', 'mean µs', 'p50 µs', 'p99 µs'],
      row('L1 hit (ctx.cache)', l1),
      row('  reference: Map.get, awaited', mapGet),
      row('L2 hit (ctx.cache, other process)', l2),
      row('  reference: GET + JSON.parse', rawGet),
      row('miss: lock + loader + fill', miss),
      row('  reference: the loader query', query),
    ]);
    const [fa, fb] = [a.figures()[0], b.figures()[0]];
    console.log(`(counted: cache A ${fa?.loads} loads, ${fa?.l1Hits} L1 hits; cache B ${fb?.l2Hits} L2 hits)\n`);

    let calls = 0;
    const slowLoad = async () => {
      calls += 1;
      return loader('k0')();
    };
    const startedAt = performance.now();
    const both = await Promise.all(
      Array.from({ length: stampede }, (_, i) =>
        (i % 2 === 0 ? a : b).namespace('bench').getOrSet('stampede', ttl, slowLoad),
      ),
    );
    const acrossMs = performance.now() - startedAt;
    const waits = (a.figures()[0]?.stampedeWaits ?? 0) + (b.figures()[0]?.stampedeWaits ?? 0);
    const local = await createCache({ log });
    caches.push(local);
    let localCalls = 0;
    const localStarted = performance.now();
    await Promise.all(
      Array.from({ length: stampede }, () =>
        local.namespace('bench').getOrSet('stampede', ttl, async () => {
          localCalls += 1;
          return loader('k0')();
        }),
      ),
    );
    const localMs = performance.now() - localStarted;
    printTable([
      [`stampede: ${stampede} concurrent misses of one key`, 'loader calls', 'waits', 'all answered ms'],
      ['two caches sharing Redis (half each)', String(calls), String(waits), fmt(acrossMs, 1)],
      [
        'one in-process cache (no Redis)',
        String(localCalls),
        String(local.figures()[0]?.stampedeWaits ?? 0),
        fmt(localMs, 1),
      ],
    ]);
    if (both.some((v) => v === null)) console.log('(a read came back empty: the bench table is wrong)');
  } finally {
    for (const cache of caches) await cache.close();
    const left = await redis.keys(`${keyPrefix}*`);
    if (left.length > 0) await redis.del(...left);
    await redis.quit();
    await db.query(`drop table if exists ${table}`);
    await db.end();
  }
}
