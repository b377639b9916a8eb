import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createAgentHost, type AgentHost } from '../create-agent-host.ts';
import type { Bus } from '../../bus/bus.ts';
import { createBus } from '../../bus/create-bus.ts';
import { createEvent, type CloudEvent } from '../../bus/envelope.ts';
import { loadConfig } from '../../config/load-config.ts';
import { isWowError } from '../../errors/define-errors.ts';
import { createMetrics, type Metrics } from '../../metrics/metrics.ts';
import { changeLifecycle } from '../../identity/lifecycle/agent-lifecycle.ts';
import { listAgents } from '../../registry/list-agents.ts';
import { createStore } from '../../store/create-store.ts';
import { migrate, migrationDirs, platformRoot } from '../../store/migrate.ts';
import type { Store } from '../../store/store.ts';
import { eventually, quietLog, testBusDefaults } from '../../testing/index.ts';
import { testDatabaseUrl, uniqueName } from '../../../test/support/servers.ts';

const agentsDir = new URL('../../../test/fixtures/agents', import.meta.url).pathname;
const config = loadConfig({ HEARTBEAT_INTERVAL_MS: '100', HEARTBEAT_TIMEOUT_MS: '300' });
const schemas: string[] = [];
afterAll(async () => {
  const c = new pg.Client({ connectionString: testDatabaseUrl });
  await c.connect();
  for (const s of schemas) await c.query(`drop schema if exists ${s} cascade`);
  await c.end();
});

interface Running {
  host: AgentHost;
  bus: Bus;
  store: Store;
  metrics: Metrics;
}
const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.host.stop({ timeoutMs: 1000 });
    await r.bus.close();
    await r.store.close();
  }
});

async function startHost(ids?: string[]): Promise<Running> {
  const schema = uniqueName('host');
  schemas.push(schema);
  const store = await createStore({ url: testDatabaseUrl, dataDir: '.data', poolMax: 5, schema, log: quietLog });
  // The checkout's migrations, and the fixture agents' own tables.
  const dirs = [...(await migrationDirs(platformRoot)), ...(await migrationDirs(platformRoot, agentsDir))];
  await migrate(store, { log: quietLog, dirs });
  const bus = await createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log: quietLog, claimIntervalMs: 50 });
  const metrics = createMetrics({ defaultMetrics: false });
  const host = await createAgentHost({
    config,
    bus,
    store,
    log: quietLog,
    metrics,
    agentsDir,
    ...(ids === undefined ? {} : { ids }),
  });
  await host.start();
  const r = { host, bus, store, metrics };
  running.push(r);
  return r;
}

const event = (type: string, data: unknown = {}) => createEvent({ type, data, source: 'urn:wow:test' });

describe('agent host', () => {
  it('runs each agent under its own group with a full context; emits carry the trace', async () => {
    const { bus } = await startHost();
    const replied: CloudEvent[] = [];
    await bus.subscribe({
      group: 'observer',
      types: ['test.echo.replied'],
      handler: async (e) => void replied.push(e),
    });
    const request = event('test.echo.request', { hello: 'world' });
    expect(await bus.request(request, { timeoutMs: 5000 })).toEqual({ echo: { hello: 'world' }, attempt: 1 });
    await eventually(() => replied.length === 1, 'emitted event');
    expect(replied[0]).toMatchObject({ source: 'urn:wow:agent:echo', data: { hello: 'world' } });
    expect(replied[0]?.traceparent.split('-')[1]).toBe(request.traceparent.split('-')[1]);
  });

  it('rejects an emit the manifest does not declare, without retrying, and counts it as a security violation', async () => {
    const { bus, metrics } = await startHost(['rogue']);
    await bus.publish(event('test.rogue.go'));
    await eventually(async () => (await bus.deadLetters.list({ group: 'rogue' })).length === 1, 'dead letter');
    const [dead] = await bus.deadLetters.list({ group: 'rogue' });
    expect(dead).toMatchObject({ attempts: 1, error: { code: 'WOW_ERR_EVENT_UNDECLARED' } });
    expect(dead?.error.message).toContain('Add it there');
    expect(await metrics.metricsText()).toContain('wow_security_violations_total{kind="undeclared_event"} 1');
  });

  it("checks event data against the agent's input schema before handling", async () => {
    const { bus } = await startHost(['typed']);
    expect(await bus.request(event('test.typed.double', { count: 21 }), { timeoutMs: 5000 })).toEqual({ doubled: 42 });
    const err: unknown = await bus
      .request(event('test.typed.double', { count: 'many' }), { timeoutMs: 5000 })
      .catch((e: unknown) => e);
    expect(isWowError(err, 'WOW_ERR_NO_RESPONDER')).toBe(true);
    const [dead] = await bus.deadLetters.list({ group: 'typed' });
    expect(dead).toMatchObject({ attempts: 1, error: { code: 'WOW_ERR_EVENT_INVALID' } });
    expect(dead?.error.message).toContain('count');
  });

  it('names the known agents when asked for an unknown one, and a missing entry file', async () => {
    const err: unknown = await startHost(['nobody']).catch((e: unknown) => e);
    expect(isWowError(err, 'WOW_ERR_AGENT_NOT_FOUND')).toBe(true);
    expect((err as Error).message).toContain('Known agents: asker, echo, feeder, rogue, slow, tally, typed');
    const store = await createStore({ url: testDatabaseUrl, dataDir: '.data', poolMax: 1, log: quietLog });
    const bus = await createBus({ streamMaxLen: 1000, defaults: testBusDefaults, log: quietLog });
    const entryless = await createAgentHost({
      config,
      bus,
      store,
      log: quietLog,
      metrics: createMetrics({ defaultMetrics: false }),
      agentsDir: new URL('../../../test/fixtures/entryless-agents', import.meta.url).pathname,
    }).catch((e: unknown) => e);
    expect(isWowError(entryless, 'WOW_ERR_AGENT_ENTRY')).toBe(true);
    expect((entryless as Error).message).toContain('src/index.ts is missing');
    await bus.close();
    await store.close();
  });

  it('keeps the registry: Available, Working while handling, Offline at once after a graceful stop', async () => {
    const r = await startHost(['slow']);
    const status = async () => (await listAgents(r.store, { heartbeatTimeoutMs: config.agents.heartbeatTimeoutMs }))[0];
    expect(await status()).toMatchObject({
      id: 'slow',
      version: '2.1.0',
      status: 'Available',
      liveInstances: 1,
      inFlight: 0,
    });
    await r.bus.publish(event('test.slow.work', { ms: 400 }));
    await eventually(async () => (await status())?.status === 'Working', 'Working');
    expect((await status())?.inFlight).toBe(1);
    await eventually(async () => (await status())?.status === 'Available', 'Available again');
    running.splice(running.indexOf(r), 1);
    expect(await r.host.stop({ timeoutMs: 1000 })).toEqual({ drained: true, abandoned: 0 });
    expect(await status()).toMatchObject({ status: 'Offline', liveInstances: 0 });
    await r.bus.close();
    await r.store.close();
  });

  it("records each agent's handling per minute in the database, where every runtime adds to the same rows", async () => {
    const { bus, store } = await startHost(['echo', 'rogue']);
    for (let i = 0; i < 2; i += 1) await bus.request(event('test.echo.request', { i }), { timeoutMs: 5000 });
    await bus.publish(event('test.rogue.go'));
    const health = async () =>
      (
        await store.query<{ agent_id: string; handled: number; failed: number; ms: number }>(
          'select agent_id, sum(handled)::int as handled, sum(failed)::int as failed, ' +
            'sum(duration_ms_sum)::float8 as ms from agent_health_minutes group by agent_id order by agent_id',
        )
      ).rows;
    await eventually(async () => (await health()).length === 2, 'health rows flushed on a heartbeat');
    const [echo, rogue] = await health();
    expect(echo).toMatchObject({ agent_id: 'echo', handled: 2, failed: 0 });
    expect(echo?.ms).toBeGreaterThan(0);
    expect(rogue).toMatchObject({ agent_id: 'rogue', handled: 1, failed: 1 });
  });

  it('stops an agent that awaits an answer from another before the one that answers, so the handler finishes', async () => {
    const { host, bus, store } = await startHost(['asker', 'echo']);
    const asked = event('test.ask.now', { delayMs: 300 });
    await bus.publish(asked);
    await eventually(
      async () => (await store.query("select 1 from asker_log where phase = 'asking'")).rows.length === 1,
      'asker handling',
    );
    // Both stop at once from here: had Echo stopped taking work first, the question would go unanswered.
    const result = await host.stop({ timeoutMs: 5000 });
    expect(result).toEqual({ drained: true, abandoned: 0 });
    const { rows } = await store.query<{ phase: string; answer: unknown }>('select phase, answer from asker_log');
    expect(rows).toEqual([{ phase: 'answered', answer: { echo: { from: asked.id }, attempt: 1 } }]);
  });

  it('stops a suspended agent within a heartbeat, leaves it stopped across a restart, and starts it again on resume', async () => {
    const { host, bus, store } = await startHost(['echo']);
    const now = new Date();
    await changeLifecycle(store, 'echo', 'suspend', { actor: 'test', reason: 'drill', now });
    // Out of the host's list first, then drained and marked stopped in the registry.
    await eventually(
      async () =>
        !host.agents().includes('echo') &&
        (await listAgents(store, { heartbeatTimeoutMs: 1000 }))[0]?.status === 'Offline',
      'echo stopped',
    );
    // Its group is not read meanwhile: a request waits for it.
    const answer = bus.request(event('test.echo.request', { waited: true }), { timeoutMs: 10_000 });
    const restarted = await createAgentHost({
      config,
      bus,
      store,
      log: quietLog,
      metrics: createMetrics({ defaultMetrics: false }),
      agentsDir,
      ids: ['echo'],
    });
    await restarted.start();
    expect(restarted.agents()).toEqual([]);
    await restarted.stop({ timeoutMs: 1000 });
    await changeLifecycle(store, 'echo', 'resume', { actor: 'test', reason: 'drill over', now });
    await eventually(() => host.agents().includes('echo'), 'echo started again');
    expect(await answer).toEqual({ echo: { waited: true }, attempt: 1 });
  });

  it('never runs more handlers of an agent at once than its concurrency', async () => {
    const { bus, store } = await startHost(['slow']);
    for (let i = 0; i < 6; i++) await bus.publish(event('test.slow.work', { ms: 60 }));
    let max = 0;
    await eventually(async () => {
      const { rows } = await store.query<{ n: number }>(
        "select count(*)::int as n from slow_log where phase = 'finished'",
      );
      max = Math.max(max, (await listAgents(store, { heartbeatTimeoutMs: 1000 }))[0]?.inFlight ?? 0);
      return rows[0]?.n === 6;
    }, 'all handled');
    expect(max).toBeLessThanOrEqual(2);
    const overlap = await store.query<{ n: number }>(`
      select max(c)::int as n from (
        select (select count(*) from slow_log s2 where s2.phase = 'started' and s2.at <= s1.at)
             - (select count(*) from slow_log s3 where s3.phase = 'finished' and s3.at <= s1.at) as c
        from slow_log s1) x`);
    expect(overlap.rows[0]?.n).toBeLessThanOrEqual(2);
  });
});
