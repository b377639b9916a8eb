import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bus } from '../../bus/bus.ts';
import { createBus } from '../../bus/create-bus.ts';
import { createEvent, type CloudEvent } from '../../bus/envelope.ts';
import { createOutboxRelay, outboxDedupeKey } from '../create-outbox-relay.ts';
import { enqueueOutbox } from '../enqueue-outbox.ts';
import { runOnce } from '../../agent/run-once.ts';
import { createStore } from '../../store/create-store.ts';
import { migrate } from '../../store/migrate.ts';
import type { Store } from '../../store/store.ts';
import { testDatabaseUrl, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { eventually, quietLog, testBusDefaults } from '../../testing/index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

interface Setup {
  name: string;
  store: () => Promise<Store>;
  bus: () => Promise<Bus>;
}

const setups: Setup[] = [
  {
    name: 'PostgreSQL + Redis Streams',
    async store() {
      const schema = uniqueName('outbox');
      cleanups.push(async () => {
        const c = new pg.Client({ connectionString: testDatabaseUrl });
        await c.connect();
        await c.query(`drop schema if exists ${schema} cascade`);
        await c.end();
      });
      return createStore({ url: testDatabaseUrl, dataDir: '.data', poolMax: 5, schema, log: quietLog });
    },
    async bus() {
      const keyPrefix = `${uniqueName('outbox')}:`;
      cleanups.push(async () => {
        const r = new Redis(testRedisUrl);
        const keys = await r.keys(`${keyPrefix}*`);
        if (keys.length > 0) await r.del(...keys);
        await r.quit();
      });
      return createBus({
        redisUrl: testRedisUrl,
        keyPrefix,
        streamMaxLen: 10_000,
        defaults: testBusDefaults,
        log: quietLog,
        claimIntervalMs: 50,
      });
    },
  },
  {
    name: 'embedded PGlite + in-process bus',
    async store() {
      const dataDir = await mkdtemp(join(tmpdir(), 'wow-outbox-'));
      cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
      return createStore({ dataDir, poolMax: 1, log: quietLog });
    },
    bus: () => createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log: quietLog, claimIntervalMs: 50 }),
  },
];

const event = (n: number) => createEvent({ type: 'test.ledger.posted', data: { n }, source: 'urn:wow:test' });

describe.each(setups)('outbox and run-once: $name', (setup) => {
  it('delivers committed events once, in order, even across crashes, and never rolled-back ones', async () => {
    const store = await setup.store();
    const bus = await setup.bus();
    await migrate(store, { log: quietLog });
    const got: CloudEvent[] = [];
    await bus.subscribe({ group: 'ledger', types: ['test.ledger.*'], handler: async (e) => void got.push(e) });

    // Rolled back: never sent.
    await expect(
      store.transaction(async (tx) => {
        await enqueueOutbox(tx, event(0));
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');

    // Committed while no relay runs: the process "crashed" between commit and publish.
    const committed = [event(1), event(2), event(3)];
    await store.transaction(async (tx) => {
      for (const e of committed) await enqueueOutbox(tx, e);
    });
    // A relay published the first row but crashed before deleting it.
    await bus.publish(committed[0] as CloudEvent, {
      dedupeKey: outboxDedupeKey(committed[0] as CloudEvent),
      dedupeTtlSeconds: 60,
    });
    await eventually(() => got.length === 1, 'the pre-crash publish');

    const relay = createOutboxRelay({ store, bus, log: quietLog, pollIntervalMs: 50 });
    relay.start();
    await eventually(() => got.length === 3, 'relay delivery');
    await new Promise((r) => setTimeout(r, 100));
    expect(got.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3]);
    expect(got.map((e) => e.traceparent)).toEqual(committed.map((e) => e.traceparent));
    expect((await store.query('select count(*)::int as n from outbox')).rows).toEqual([{ n: 0 }]);

    await relay.stop();
    await bus.close();
    await store.close();
  });

  it('runs an effect once per key, even when two runs race', async () => {
    const store = await setup.store();
    await migrate(store, { log: quietLog });
    await store.query('create table if not exists effects (key text, at timestamptz default now())');
    const effect = (key: string) => async (tx: { query: Store['query'] }) => {
      await tx.query('insert into effects (key) values ($1)', [key]);
      return { charged: key };
    };
    const [a, b] = await Promise.all([
      runOnce(store, 'billing', 'order-1', effect('order-1')),
      runOnce(store, 'billing', 'order-1', effect('order-1')),
    ]);
    expect([a.firstRun, b.firstRun].sort()).toEqual([false, true]);
    expect(a.result).toEqual({ charged: 'order-1' });
    expect(b.result).toEqual({ charged: 'order-1' });
    expect((await store.query("select count(*)::int as n from effects where key = 'order-1'")).rows).toEqual([
      { n: 1 },
    ]);

    // A failing effect records nothing, so a retry runs it.
    await expect(
      runOnce(store, 'billing', 'order-2', async (tx) => {
        await tx.query("insert into effects (key) values ('order-2')");
        throw new Error('card declined');
      }),
    ).rejects.toThrow('card declined');
    const retry = await runOnce(store, 'billing', 'order-2', effect('order-2'));
    expect(retry.firstRun).toBe(true);
    expect((await store.query("select count(*)::int as n from effects where key = 'order-2'")).rows).toEqual([
      { n: 1 },
    ]);
    // Another scope is another key space.
    expect((await runOnce(store, 'shipping', 'order-1', effect('ship-1'))).firstRun).toBe(true);
    await store.close();
  });
});
