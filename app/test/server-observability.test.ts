import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubAppEnv } from '../../test/support/github-app.ts';
import { uniqueName } from '../../test/support/servers.ts';
import { storeBackends } from '../../test/support/test-stores.ts';
import { createOpsServer } from '../server/create-ops-server.ts';
import { createServer } from '../server/create-server.ts';
import {
  createBus,
  createMetrics,
  loadConfig,
  readSharedSettings,
  type Bus,
  type Metrics,
  type Store,
} from '#platform';
import { testBusDefaults } from '#platform/testing';
import { createCustomer, issueApiKey, supportSettings } from '#domains/support';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// What operators read: the request id in every log line and answer, requests counted by
// route, refusals counted as security violations, and the desk's figures, on both stores.
describe.each(storeBackends('observe'))('the server as operators see it, on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  let bus: Bus;
  let metrics: Metrics;
  let server: FastifyInstance;
  const lines: Record<string, unknown>[] = [];
  const logged = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as never);
      done();
    },
  });

  beforeAll(async () => {
    ({ store, close } = await backend.open());
    bus = await createBus({ streamMaxLen: 1000, defaults: testBusDefaults, log: pino({ level: 'silent' }) });
    metrics = createMetrics({ defaultMetrics: false });
    server = await createServer({
      config: loadConfig(githubAppEnv('observability-secret')),
      support: readSharedSettings(supportSettings, {}),
      bus,
      store,
      log: pino({ level: 'info' }, logged),
      metrics,
    });
  });
  afterAll(async () => {
    await server.close();
    await bus.close();
    await close();
  });
  const scrape = async () => (await server.inject({ method: 'GET', url: '/metrics' })).body;

  it("keeps a proxy's X-Request-Id: the answer and the request's log line carry it", async () => {
    const id = 'c0ffee00c0ffee00c0ffee00c0ffee00';
    const res = await server.inject({ method: 'GET', url: '/support', headers: { 'x-request-id': id } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe(id);
    expect(lines).toContainEqual(
      expect.objectContaining({ reqId: id, msg: 'answered', method: 'GET', route: '/support', status: 200 }),
    );
  });

  it.each([
    // Not hex: the logs hold request and trace ids, where three hex letters turn up by chance.
    ['too short', 'xyz'],
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'id with spaces'],
    ['with markup', '<script>alert(1)</script>'],
    ['JSON', '{"level":60}'],
  ])('replaces an X-Request-Id %s with a UUID of its own', async (_name, sent) => {
    const res = await server.inject({ method: 'GET', url: '/support', headers: { 'x-request-id': sent } });
    expect(res.headers['x-request-id']).toMatch(uuid);
    expect(JSON.stringify(lines)).not.toContain(sent);
  });

  it('counts requests by declared route, never by the URL sent, and does not log the polled routes', async () => {
    await server.inject({ method: 'GET', url: '/no/such/page?token=secret' });
    await server.inject({ method: 'GET', url: '/api/tickets/some-ticket-id' });
    const before = lines.length;
    await server.inject({ method: 'GET', url: '/healthz' });
    expect(lines.length).toBe(before);
    const text = await scrape();
    expect(text).toContain('wow_http_requests_total{method="GET",route="/support",status="200"}');
    expect(text).toContain('wow_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain('wow_http_requests_total{method="GET",route="/api/tickets/:id",status="401"} 1');
    expect(text).toContain('wow_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/healthz"}');
    expect(text).not.toContain('secret');
    expect(text).not.toContain('some-ticket-id');
  });

  it("counts a webhook's bad signature and a refused API key as security violations; a missing key is not one", async () => {
    const violations = async (kind: string) =>
      Number(new RegExp(`wow_security_violations_total\\{kind="${kind}"\\} (\\d+)`).exec(await scrape())?.[1] ?? 0);
    const [signature, apiKey] = [await violations('webhook_signature'), await violations('api_key')];
    const body = JSON.stringify({ zen: 'Keep it logically awesome.' });
    const webhook = await server.inject({
      method: 'POST',
      url: '/api/github/webhooks',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'ping',
        'x-github-delivery': 'd-1',
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
      },
      payload: body,
    });
    expect(webhook.statusCode).toBe(401);
    await server.inject({ method: 'GET', url: '/api/tickets/x' });
    const refused = await server.inject({
      method: 'GET',
      url: '/api/tickets/x',
      headers: { authorization: `Bearer wow_sk_${'A'.repeat(40)}` },
    });
    expect(refused.statusCode).toBe(401);
    expect(await violations('webhook_signature')).toBe(signature + 1);
    expect(await violations('api_key')).toBe(apiKey + 1);
  });

  it("shows the desk's tickets by tier and status, and names its SLA, CSAT and incident gauges", async () => {
    const customer = await createCustomer(store, { slug: uniqueName('observe').replace(/_/g, '-'), name: 'Observe' });
    const { key } = await issueApiKey(store, customer.slug);
    const opened = await server.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: { subject: 'Login fails', body: 'Since this morning.', requester: { email: 'ada@observe.example' } },
    });
    expect(opened.statusCode).toBe(201);
    const text = await scrape();
    expect(text).toMatch(/^wow_support_tickets\{tier="L1",status="new"\} [1-9]\d*$/m);
    for (const name of ['wow_support_sla_overdue_clocks', 'wow_support_csat_ratings', 'wow_incidents_open'])
      expect(text).toContain(`# TYPE ${name} gauge`);
  });

  it("serves an agent worker's /healthz, /readyz and /metrics, under the same request ids", async () => {
    const ops = await createOpsServer({ bus, store, log: pino({ level: 'info' }, logged), metrics });
    try {
      const health = await ops.inject({
        method: 'GET',
        url: '/healthz',
        headers: { 'x-request-id': 'worker-check-1' },
      });
      expect(health.statusCode).toBe(200);
      expect(health.headers['x-request-id']).toBe('worker-check-1');
      expect((await ops.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ database: 'ok', bus: 'ok' });
      expect((await ops.inject({ method: 'GET', url: '/metrics' })).body).toContain('wow_bus_events_published_total');
      expect((await ops.inject({ method: 'GET', url: '/support' })).statusCode).toBe(404);
    } finally {
      await ops.close();
    }
  });
});
