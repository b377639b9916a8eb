import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bus, createBus, createEvent, listAgents } from '#platform';
import { eventually, eventuallyPasses, quietLog, testBusDefaults } from '#platform/testing';
import { signingAs, testMasterKey } from '../support/sign-as.ts';
import { deleteRedisKeys, testDatabaseUrl, testRedisUrl, uniqueName } from '../support/servers.ts';
import { childEnv, childNodeFlags } from '../support/child-env.ts';
import { killedWithItsFile } from '../support/child-processes.ts';

// `wow agents run` as real processes sharing real Redis and PostgreSQL: what SIGTERM and
// SIGKILL do to work in flight.
const root = new URL('../../', import.meta.url).pathname;
const database = uniqueName('agentsproc');
const keyPrefix = `${uniqueName('agentsproc')}:`;
const databaseUrl = (() => {
  const u = new URL(testDatabaseUrl);
  u.pathname = `/${database}`;
  return u.toString();
})();
const admin = new pg.Client({ connectionString: testDatabaseUrl });
const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
// `drop database … with (force)` at the end terminates any connection the pool still holds;
// an idle client's error is then expected, not a failure.
db.on('error', () => undefined);
let bus: Bus;

beforeAll(async () => {
  await admin.connect();
  await admin.query(`create database ${database}`);
  bus = await createBus({
    redisUrl: testRedisUrl,
    keyPrefix,
    streamMaxLen: 10_000,
    defaults: testBusDefaults,
    log: quietLog,
  });
});

afterAll(async () => {
  await bus.close();
  await db.end();
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
  await deleteRedisKeys(keyPrefix);
});

/** `wow agents run <args>`; messages signed and verified unless `signing` is off. */
function runAgents(
  args: string[],
  signing: 'on' | 'off' = 'off',
): {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Once it runs: where `--port` serves, if given. */
  ready: Promise<{ address?: string }>;
  exited: Promise<number | null>;
} {
  const child = killedWithItsFile(
    spawn(process.execPath, [...childNodeFlags, 'cli/wow.js', 'agents', 'run', ...args], {
      cwd: root,
      env: {
        ...childEnv(),
        LOG_LEVEL: 'info',
        DATABASE_URL: databaseUrl,
        REDIS_URL: testRedisUrl,
        BUS_KEY_PREFIX: keyPrefix,
        AGENTS_DIR: 'test/fixtures/agents',
        HEARTBEAT_INTERVAL_MS: '100',
        HEARTBEAT_TIMEOUT_MS: '600',
        BUS_VISIBILITY_TIMEOUT_MS: '600',
        SHUTDOWN_TIMEOUT_MS: '5000',
        IDENTITY_MASTER_KEY: testMasterKey,
        // The tests of process lifecycle publish as themselves, which no agent is.
        BUS_SIGNING: signing,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<{ address?: string }>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('agents running')) resolve(JSON.parse(line) as { address?: string });
    });
    void exited.then((code) => reject(new Error(`wow agents run exited with ${code}: ${stderr}`)));
  });
  return { child, ready, exited };
}

const phases = async (eventId: string) =>
  (await db.query<{ phase: string }>('select phase from slow_log where event_id = $1 order by at', [eventId])).rows.map(
    (r) => r.phase,
  );
const slowStatus = async () => (await listAgents(db, { heartbeatTimeoutMs: 600 })).find((a) => a.id === 'slow');

describe('wow agents run', () => {
  it('on SIGTERM stops intake, lets the running handler finish and ack, marks itself Offline, exits 0', async () => {
    const worker = runAgents(['slow']);
    await worker.ready;
    const work = createEvent({ type: 'test.slow.work', data: { ms: 700 }, source: 'urn:wow:test' });
    await bus.publish(work);
    await eventually(async () => (await phases(work.id)).includes('started'), 'handler start');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(await phases(work.id)).toEqual(['started', 'finished']);
    const group = (await bus.stats()).topics
      .find((t) => t.topic === 'test.slow')
      ?.groups.find((g) => g.group === 'slow');
    expect(group?.pending).toBe(0);
    expect((await slowStatus())?.status).toBe('Offline');
  });

  it('after SIGKILL goes Offline by heartbeat, and another process finishes its message once', async () => {
    const doomed = runAgents(['slow']);
    await doomed.ready;
    const work = createEvent({ type: 'test.slow.work', data: { ms: 60_000, retryMs: 50 }, source: 'urn:wow:test' });
    await bus.publish(work);
    await eventually(async () => (await phases(work.id)).includes('started'), 'handler start');
    await eventually(async () => (await slowStatus())?.status === 'Working', 'Working while the handler runs');
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    await eventually(async () => (await slowStatus())?.status === 'Offline', 'Offline after the heartbeat timeout');

    const survivor = runAgents(['slow']);
    await survivor.ready;
    await eventually(async () => (await phases(work.id)).includes('finished'), 'redelivered and finished', 15_000);
    expect(await phases(work.id)).toEqual(['started', 'started', 'finished']);
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
  });

  it("with --port serves /healthz, /readyz and /metrics with each agent's status, for health checks and Prometheus", async () => {
    const worker = runAgents(['slow', '--port', '0']);
    const { address } = await worker.ready;
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${address}/healthz`)).status).toBe(200);
    expect((await fetch(`${address}/readyz`)).status).toBe(200);
    // The registry's gauges are read at each scrape, and left empty when the store does not
    // answer in time (a loaded machine): a scraper asks again, as Prometheus does.
    await eventuallyPasses(async () => {
      const text = await (await fetch(`${address}/metrics`)).text();
      expect(text).toContain('wow_agent_status{agent="slow",status="Offline"} 0');
      expect(text).toMatch(/^wow_agent_status\{agent="slow",status="(Available|Working)"\} 1$/m);
      expect(text).toContain('wow_agent_live_instances{agent="slow"} 1');
    });
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });

  it('with signing on, answers a request signed as an agent that may send it, and refuses an unsigned one before any handler', async () => {
    const worker = runAgents(['echo'], 'on');
    await worker.ready;
    const asker = await signingAs('asker', { databaseUrl });
    try {
      const ask = (data: unknown) => createEvent({ type: 'test.echo.request', data, source: asker.source });
      // A bus that signs as its senders, as the agents' own do.
      const signing = await createBus({
        redisUrl: testRedisUrl,
        keyPrefix,
        streamMaxLen: 10_000,
        defaults: testBusDefaults,
        log: quietLog,
        guard: asker.guard,
      });
      try {
        expect(await signing.request(ask({ n: 1 }), { timeoutMs: 10_000 })).toEqual({ echo: { n: 1 }, attempt: 1 });
      } finally {
        await signing.close();
      }
      await bus.publish(ask({ n: 2 }));
      await eventually(
        async () => (await bus.deadLetters.list({ group: 'security' })).some((d) => d.event.data !== null),
        'the unsigned request refused',
      );
      const [refused] = await bus.deadLetters.list({ group: 'security' });
      expect(refused?.error.data).toMatchObject({ reason: 'unsigned', group: 'echo' });
      expect(refused?.event.data).toEqual({ n: 2 });
    } finally {
      await asker.close();
    }
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });

  it('refuses a --port that is not a port, naming what it expects', async () => {
    const worker = runAgents(['slow', '--port', '80x']);
    await expect(worker.ready).rejects.toThrow('expected a port from 0 to 65535');
    expect(await worker.exited).toBe(2);
  });
});
