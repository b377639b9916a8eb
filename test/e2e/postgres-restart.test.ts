import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createBus, createEvent, type Bus } from '#platform';
import { eventually, quietLog, testBusDefaults } from '#platform/testing';
import { startAgents } from '../support/platform-process.ts';
import { startPrivatePostgres, type PrivateServer } from '../support/private-servers.ts';
import { signingAs, testMasterKey } from '../support/sign-as.ts';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../support/servers.ts';

// PostgreSQL of the test's own, stopped and started again while events keep coming on the
// bus: the worker's /readyz goes red, then green, and every event has its effect once.
// Handlers that fail for want of the database wait it out rather than spend their retries
// (platform/store/wait-out-outage.ts).
let postgres: PrivateServer;
let bus: Bus;
const keyPrefix = `${uniqueName('pgrestart')}:`;

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  bus = await createBus({
    redisUrl: testRedisUrl,
    keyPrefix,
    streamMaxLen: 10_000,
    defaults: testBusDefaults,
    log: quietLog,
  });
});

afterAll(async () => {
  await bus?.close();
  await postgres?.remove();
  await deleteRedisKeys(keyPrefix);
});

// As a probe asks: a connection of its own each time, and no answer (a reset, a refusal) is
// not ready (0) rather than an error — under load a reused keep-alive connection was reset once.
const readiness = async (address: string) =>
  (await fetch(`${address}/readyz`, { headers: { connection: 'close' } }).catch(() => undefined))?.status ?? 0;

describe('when PostgreSQL restarts under load', () => {
  it('goes unready and ready again, and no handler effect is lost or doubled', async () => {
    const worker = await startAgents(['tally', '--port', '0'], {
      DATABASE_URL: postgres.url,
      REDIS_URL: testRedisUrl,
      BUS_KEY_PREFIX: keyPrefix,
      AGENTS_DIR: 'test/fixtures/agents',
      HEARTBEAT_INTERVAL_MS: '200',
      BUS_VISIBILITY_TIMEOUT_MS: '2000',
      // Few quick retries: without waiting the outage out, handlers would dead-letter.
      BUS_MAX_ATTEMPTS: '3',
      IDENTITY_MASTER_KEY: testMasterKey,
    });
    expect(await readiness(worker.address)).toBe(200);
    // Signed as a sender the worker's verifier accepts (signing is on with PostgreSQL); the
    // signer keeps its key while the database is away, the verifier has to wait it out.
    const feeder = await signingAs('feeder', { databaseUrl: postgres.url });
    const sender = await createBus({
      redisUrl: testRedisUrl,
      keyPrefix,
      streamMaxLen: 10_000,
      defaults: testBusDefaults,
      log: quietLog,
      guard: feeder.guard,
    });
    const total = 200;
    const statuses = new Set<number>();
    for (let n = 0; n < total; n++) {
      await sender.publish(createEvent({ type: 'test.tally.add', data: { n }, source: feeder.source }));
      await new Promise((r) => setTimeout(r, 10));
      if (n === 70) {
        await postgres.stop();
        await eventually(async () => (await readiness(worker.address)) === 503, '/readyz red');
        statuses.add(503);
      }
      if (n === 130) {
        await postgres.start();
        await eventually(async () => (await readiness(worker.address)) === 200, '/readyz green again');
        statuses.add(200);
      }
    }
    await sender.close();
    await feeder.close();
    expect([...statuses]).toEqual([503, 200]);
    const db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    try {
      const counts = async () =>
        (
          await db.query<{ counted: number; distinct: number }>(
            'select count(*)::int as counted, count(distinct event_id)::int as distinct from tally_counted',
          )
        ).rows[0];
      await eventually(async () => (await counts())?.distinct === total, 'every event counted', 30_000);
      expect(await counts()).toEqual({ counted: total, distinct: total });
    } finally {
      await db.end();
    }
    expect(await bus.deadLetters.list({ group: 'tally' })).toEqual([]);
    expect(await bus.deadLetters.list({ group: 'security' })).toEqual([]);
    const messages = worker.logged.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toContain('the database is unreachable; waiting for it before running the handler again');
    expect(await worker.stop()).toBe(0);
  }, 90_000);
});
