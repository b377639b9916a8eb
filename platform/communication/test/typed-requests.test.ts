import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../../bus/bus.ts';
import { createBus } from '../../bus/create-bus.ts';
import { createEvent, type CloudEvent } from '../../bus/envelope.ts';
import { loadConfig } from '../../config/load-config.ts';
import { createMetrics, type Metrics } from '../../metrics/metrics.ts';
import { eventuallyPasses as eventually, quietLog, testBusDefaults } from '../../testing/index.ts';
import { createAgentHost, type AgentHost } from '../../agent/create-agent-host.ts';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { makeRequestCheckout } from './request-checkout.ts';

type Asked = { reply?: string; error?: string; cause?: string };

let checkout: string;
beforeAll(async () => {
  checkout = await makeRequestCheckout();
});
afterAll(async () => {
  await rm(checkout, { recursive: true, force: true });
});

const config = loadConfig({ HEARTBEAT_INTERVAL_MS: '200', HEARTBEAT_TIMEOUT_MS: '1000' });

// The real PostgreSQL with the Redis bus, and the embedded defaults together: PGlite with the in-process bus.
describe.each(storeBackends('typed-requests', { poolMax: 4 }))('typed requests on $name', (backend) => {
  const onRedis = backend.name === 'PostgreSQL';
  let db: TestStore;
  const prefixes: string[] = [];
  const open: { host: AgentHost; bus: Bus }[] = [];
  beforeAll(async () => {
    db = await backend.open();
  });
  afterAll(async () => {
    await db.close();
    for (const prefix of prefixes) await deleteRedisKeys(prefix);
  });
  afterEach(async () => {
    for (const { host, bus } of open.splice(0)) {
      await host.stop({ timeoutMs: 2000 });
      await bus.close();
    }
  });

  async function start(): Promise<{ bus: Bus; metrics: Metrics; ask: (data: unknown) => Promise<Asked> }> {
    const keyPrefix = `${uniqueName('requests')}:`;
    prefixes.push(keyPrefix);
    const bus = await createBus({
      ...(onRedis ? { redisUrl: testRedisUrl, keyPrefix } : {}),
      streamMaxLen: 10_000,
      defaults: { ...testBusDefaults, maxAttempts: 1 },
      log: quietLog,
    });
    const metrics = createMetrics({ defaultMetrics: false });
    const host = await createAgentHost({
      config,
      bus,
      store: db.store,
      log: quietLog,
      metrics,
      agentsDir: join(checkout, 'agents'),
      ids: ['asker', 'answerer'],
      breaker: { failures: 2, halfOpenAfterMs: 150 },
    });
    await host.start();
    open.push({ host, bus });
    const ask = (data: unknown) =>
      bus.request<Asked>(createEvent({ type: 'test.ask.go', data, source: 'urn:wow:test' }), { timeoutMs: 10_000 });
    return { bus, metrics, ask };
  }

  it('sends the input as its protocol parses it and hands the caller the reply typed and checked', async () => {
    const { ask } = await start();
    expect(await ask({ word: 'ab', times: 2 })).toEqual({ reply: 'ABAB' });
    // The input schema's default applies before sending.
    expect(await ask({ word: 'hi' })).toEqual({ reply: 'HI' });
  });

  it('refuses before sending an input its protocol does not allow, a type nobody answers, and a timeout beyond the bound', async () => {
    const { ask, metrics } = await start();
    expect(await ask({ word: 'far too long for the twenty characters' })).toEqual({ error: 'WOW_ERR_REQUEST_INVALID' });
    expect(await ask({ word: 7 })).toEqual({ error: 'WOW_ERR_REQUEST_INVALID' });
    expect(await ask({ bare: 'test.nobody.asked' })).toEqual({ error: 'WOW_ERR_REQUEST_UNANSWERED' });
    expect(await ask({ word: 'ok', timeoutMs: 60_000 })).toEqual({ error: 'WOW_ERR_REQUEST_OPTIONS' });
    // None of them reached the gate.
    expect(await metrics.metricsText()).not.toMatch(/wow_request_duration_seconds_count\{[^}]*\} [1-9]/);
  });

  it('checks the reply before the answering agent sends it: a reply its protocol does not allow fails the request, never reaches the caller', async () => {
    const { ask, bus } = await start();
    expect(await ask({ word: 'lie' })).toEqual({ error: 'WOW_ERR_NO_RESPONDER', cause: 'WOW_ERR_REPLY_INVALID' });
    await eventually(async () => {
      const [dead] = await bus.deadLetters.list({ group: 'answerer' });
      expect(dead?.error.code).toBe('WOW_ERR_REPLY_INVALID');
      expect(dead?.error.message).toContain('(answering): echo: Invalid input: expected string, received number');
    });
  });

  it('opens the circuit after failures in a row, fails fast while open, probes after the cool-down and closes, telling everyone', async () => {
    const { ask, bus, metrics } = await start();
    const changes: CloudEvent[] = [];
    await bus.subscribe({
      group: uniqueName('circuit-watch'),
      types: ['communication.circuit.changed'],
      answersRequests: false,
      handler: async (event) => {
        changes.push(event);
      },
    });
    // The answerer takes 400 ms for "slow": a caller willing to wait 30 ms times out, twice.
    expect(await ask({ word: 'slow', timeoutMs: 30 })).toEqual({ error: 'WOW_ERR_REQUEST_TIMEOUT' });
    expect(await ask({ word: 'slow', timeoutMs: 30 })).toEqual({ error: 'WOW_ERR_REQUEST_TIMEOUT' });
    expect(await ask({ word: 'quick' })).toMatchObject({ error: 'WOW_ERR_CIRCUIT_OPEN' });
    const open = await metrics.metricsText();
    expect(open).toContain('wow_request_circuit_state{type="test.echo.asked",state="open"} 1');
    expect(open).toContain('wow_requests_rejected_total{type="test.echo.asked",reason="circuit_open"} 1');
    expect(open).toContain('wow_request_duration_seconds_count{type="test.echo.asked",outcome="timeout"} 2');
    // After the cool-down one probe goes through; answered, the circuit closes.
    await eventually(async () => expect(await ask({ word: 'quick' })).toEqual({ reply: 'QUICK' }), 5000);
    expect(await metrics.metricsText()).toContain('wow_request_circuit_state{type="test.echo.asked",state="closed"} 1');
    await eventually(() =>
      expect(changes.map((e) => (e.data as { state: string }).state)).toEqual(['open', 'half_open', 'closed']),
    );
    expect(changes[0]?.data).toMatchObject({ type: 'test.echo.asked', reason: 'WOW_ERR_REQUEST_TIMEOUT' });
  });

  it('bounds the requests in flight to a type by its answers: concurrency, the excess refused with a named error', async () => {
    const { ask, metrics } = await start();
    const slow = ask({ word: 'slow' });
    await eventually(async () =>
      expect(await metrics.metricsText()).toContain('wow_requests_in_flight{type="test.echo.asked"} 1'),
    );
    expect(await ask({ word: 'quick' })).toEqual({ error: 'WOW_ERR_BULKHEAD_FULL' });
    expect(await slow).toEqual({ reply: 'SLOW' });
    expect(await metrics.metricsText()).toContain(
      'wow_requests_rejected_total{type="test.echo.asked",reason="bulkhead_full"} 1',
    );
    expect(await ask({ word: 'quick' })).toEqual({ reply: 'QUICK' });
  });
});
