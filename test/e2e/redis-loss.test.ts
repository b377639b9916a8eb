import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, createLogger, createStore, enqueueOutbox, type Store } from '#platform';
import { eventually } from '#platform/testing';
import { startAgents } from '../support/platform-process.ts';
import { startPrivateRedis, type PrivateServer } from '../support/private-servers.ts';
import { signingAs, testMasterKey } from '../support/sign-as.ts';
import { createTestDatabase } from '../support/servers.ts';

// The bus's durability contract (docs/durability.md) when Redis loses its data: a Redis of
// the test's own is flushed, then killed and started again empty, while events committed
// to PostgreSQL's outbox keep coming. The consumer groups come back, what was not handled
// everywhere is published again, and every committed event has its effect exactly once.
let redis: PrivateServer;
let database: { url: string; drop: () => Promise<void> };
let store: Store;

beforeAll(async () => {
  redis = await startPrivateRedis();
  database = await createTestDatabase('redisloss');
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
  await redis?.remove();
});

const counts = async () =>
  (
    await store.query<{ seen: number; counted: number; distinct: number }>(
      `select (select count(*)::int from tally_seen) as seen, count(*)::int as counted,
              count(distinct event_id)::int as distinct from tally_counted`,
    )
  ).rows[0];

describe('when Redis loses its data under load', () => {
  it('recreates the groups, republishes what was not handled, and loses or doubles no effect', async () => {
    const worker = await startAgents(['tally'], {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      AGENTS_DIR: 'test/fixtures/agents',
      HEARTBEAT_INTERVAL_MS: '200',
      BUS_VISIBILITY_TIMEOUT_MS: '1000',
      IDENTITY_MASTER_KEY: testMasterKey,
    });
    store = await createStore({ url: database.url, dataDir: '.data', poolMax: 2, log: createLogger('silent') });
    // Sent as Feeder, whose credential the worker's relay signs with and its verifier
    // accepts: signing is on with PostgreSQL, and republished events are signed again.
    const feeder = await signingAs('feeder', { databaseUrl: database.url });
    await feeder.close();
    const total = 240;
    const send = (n: number) =>
      store.transaction((tx) =>
        enqueueOutbox(tx, createEvent({ type: 'test.tally.add', data: { n }, source: 'urn:wow:agent:feeder' })),
      );
    for (let n = 0; n < total; n++) {
      await send(n);
      await new Promise((r) => setTimeout(r, 10));
      if (n === 80) {
        const admin = new Redis(redis.url);
        await admin.flushall();
        await admin.quit();
      }
      if (n === 160) {
        await redis.stop();
        await new Promise((r) => setTimeout(r, 500));
        await redis.start();
      }
    }
    await eventually(async () => (await counts())?.distinct === total, 'every committed event counted', 30_000);
    await eventually(
      async () => (await store.query('select 1 from outbox')).rowCount === 0,
      'the outbox emptied once every event was handled',
      15_000,
    );
    const final = await counts();
    expect(final).toMatchObject({ counted: total, distinct: total });
    // Redeliveries happened (the log says why) and did not repeat the effect.
    expect(final?.seen).toBeGreaterThanOrEqual(total);
    const messages = worker.logged.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toContain('consumer group was missing (Redis lost its data?); recreated');
    expect(messages.some((m) => m.startsWith('the bus lost events'))).toBe(true);
    expect(await worker.stop()).toBe(0);
  }, 90_000);
});
