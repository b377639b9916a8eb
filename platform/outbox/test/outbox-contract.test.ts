import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { deleteRedisKeys, testDatabaseUrl, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { eventually, quietLog, testBusDefaults } from '../../testing/index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

interface Setup {
  name: string;
  store: () => Promise<Store>;
  bus: () => Promise<Bus>;
  /**
   * The bus after it lost its data: Redis with its keys gone (as after FLUSHALL, or a
   * restart without persistence), or a new in-process bus (as after the process restarted).
   */
  lose: (bus: Bus) => Promise<Bus>;
}

const redisPrefix = `${uniqueName('outbox')}:`;
cleanups.push(() => deleteRedisKeys(redisPrefix));
const redisBus = (keyPrefix: string) =>
  createBus({
    redisUrl: testRedisUrl,
    keyPrefix,
    streamMaxLen: 10_000,
    defaults: testBusDefaults,
    log: quietLog,
    claimIntervalMs: 50,
  });
const memoryBus = () =>
  createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log: quietLog, claimIntervalMs: 50 });

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
    bus: () => redisBus(redisPrefix),
    async lose(bus) {
      await bus.close();
      await deleteRedisKeys(redisPrefix);
      return redisBus(redisPrefix);
    },
  },
  {
    name: 'embedded PGlite + in-process bus',
    async store() {
      const dataDir = await mkdtemp(join(tmpdir(), 'wow-outbox-'));
      cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
      return createStore({ dataDir, poolMax: 1, log: quietLog });
    },
    bus: memoryBus,
    async lose(bus) {
      await bus.close();
      return memoryBus();
    },
  },
];

const count = async (store: Store, where: string) =>
  (await store.query<{ n: number }>(`select count(*)::int as n from outbox where ${where}`)).rows[0]?.n;

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
    // A relay published the first row but crashed before marking it published.
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
    // Kept until the group handled them, then gone.
    await eventually(async () => (await count(store, 'true')) === 0, 'handled rows deleted');

    await relay.stop();
    await bus.close();
    await store.close();
  });

  it('publishes a row as soon as its transaction commits, without waiting for the poll', async () => {
    const store = await setup.store();
    const bus = await setup.bus();
    await migrate(store, { log: quietLog });
    const got: CloudEvent[] = [];
    await bus.subscribe({ group: 'ledger', types: ['test.ledger.*'], handler: async (e) => void got.push(e) });
    // An hour between polls: after the first (at start), only the commit's wake-up can send it.
    const relay = createOutboxRelay({ store, bus, log: quietLog, pollIntervalMs: 3_600_000 });
    relay.start();
    await new Promise((r) => setTimeout(r, 100));
    await store.transaction(async (tx) => {
      await enqueueOutbox(tx, event(7));
    });
    await eventually(() => got.length === 1, 'the committed row, published on its commit');
    expect((got[0]?.data as { n: number }).n).toBe(7);
    // And a stopped relay is not woken any more: the row waits for the next one.
    await relay.stop();
    await enqueueOutbox(store, event(8));
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toHaveLength(1);
    expect(await count(store, 'published_at is null')).toBe(1);
    await bus.close();
    await store.close();
  });

  it('publishes again what the bus lost before every group handled it, and only that', async () => {
    const store = await setup.store();
    await migrate(store, { log: quietLog });
    let bus = await setup.bus();
    const first: number[] = [];
    const reader = await bus.subscribe({
      group: 'ledger',
      types: ['test.ledger.*'],
      handler: async (e) => void first.push((e.data as { n: number }).n),
    });
    const relay = createOutboxRelay({ store, bus, log: quietLog, pollIntervalMs: 50 });
    relay.start();
    await store.transaction((tx) => enqueueOutbox(tx, event(1)));
    await eventually(() => first.length === 1, 'the first event handled');
    await eventually(async () => (await count(store, 'true')) === 0, 'the handled row deleted');

    // The group stops reading (its agent is down); two more go out and wait in the bus.
    await reader.stop();
    await store.transaction(async (tx) => {
      await enqueueOutbox(tx, event(2));
      await enqueueOutbox(tx, event(3));
    });
    await eventually(async () => (await count(store, 'published_at is not null')) === 2, 'both published');
    await relay.stop();

    // The bus loses everything; the relay that comes back publishes the two again.
    bus = await setup.lose(bus);
    const second: number[] = [];
    await bus.subscribe({
      group: 'ledger',
      types: ['test.ledger.*'],
      handler: async (e) => void second.push((e.data as { n: number }).n),
    });
    const after = createOutboxRelay({ store, bus, log: quietLog, pollIntervalMs: 50 });
    after.start();
    await eventually(() => second.length === 2, 'the lost events delivered again');
    await eventually(async () => (await count(store, 'true')) === 0, 'the outbox emptied');
    expect({ first, second }).toEqual({ first: [1], second: [2, 3] });
    await after.stop();
    await bus.close();
    await store.close();
  });

  it('gives up a published row no group handles once it is older than the retention', async () => {
    const store = await setup.store();
    await migrate(store, { log: quietLog });
    const bus = await setup.bus();
    // A group whose agent is gone: it never reads again.
    await (await bus.subscribe({ group: 'gone', types: ['test.ledger.*'], handler: async () => undefined })).stop();
    const relay = createOutboxRelay({ store, bus, log: quietLog, pollIntervalMs: 50, retentionSeconds: 3600 });
    relay.start();
    await store.transaction((tx) => enqueueOutbox(tx, event(1)));
    await eventually(async () => (await count(store, 'published_at is not null')) === 1, 'published');
    await new Promise((r) => setTimeout(r, 200));
    expect(await count(store, 'true')).toBe(1);
    await store.query("update outbox set published_at = now() - interval '2 hours'");
    await eventually(async () => (await count(store, 'true')) === 0, 'the stale row given up');
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
