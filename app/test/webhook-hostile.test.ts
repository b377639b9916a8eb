import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../server/create-server.ts';
import { createBus, createMetrics, createStore, loadConfig, type Bus, type Store } from '#platform';
import { eventually, quietLog, testBusDefaults } from '#platform/testing';
import { githubAppEnv } from '../../test/support/github-app.ts';
import { examplePayload, signedDelivery } from '../../test/support/github-webhooks.ts';
import { testDatabaseUrl } from '../../test/support/servers.ts';

const secret = 'test-webhook-secret';
const signBytes = (body: Buffer) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('the webhook door against hostile deliveries', () => {
  let server: FastifyInstance;
  let bus: Bus;
  let store: Store;
  const setUp = async (wrap: (b: Bus) => Bus = (b) => b) => {
    bus = await createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log: quietLog });
    store = await createStore({ url: testDatabaseUrl, dataDir: '.data', poolMax: 2, log: quietLog });
    server = await createServer({
      config: loadConfig(githubAppEnv(secret)),
      bus: wrap(bus),
      store,
      log: quietLog,
      metrics: createMetrics({ defaultMetrics: false }),
    });
  };
  afterEach(async () => {
    await server.close();
    await bus.close();
    await store.close();
  });
  const metricsText = async () => (await server.inject({ method: 'GET', url: '/metrics' })).body;

  it("never turns an unsigned request's X-GitHub-Event into a metric label", async () => {
    await setUp();
    for (let i = 0; i < 20; i++) {
      const res = await server.inject({
        method: 'POST',
        url: '/api/github/webhooks',
        headers: {
          'content-type': 'application/json',
          'x-github-event': `made-up-${i}-${'x'.repeat(200)}`,
          'x-github-delivery': `d-${i}`,
        },
        payload: '{}',
      });
      expect(res.statusCode).toBe(401);
    }
    const text = await metricsText();
    expect(text).not.toContain('made-up');
    expect(text).toContain('wow_webhooks_received_total{event="unverified",outcome="rejected"} 20');
  });

  it('labels a signed delivery of an event the App does not subscribe to as "other"', async () => {
    await setUp();
    const d = await signedDelivery(secret, 'sponsorship', examplePayload('sponsorship'));
    const res = await server.inject({
      method: 'POST',
      url: '/api/github/webhooks',
      headers: d.headers,
      payload: d.body,
    });
    expect(res.statusCode).toBe(202);
    const text = await metricsText();
    expect(text).toContain('wow_webhooks_received_total{event="other",outcome="queued"} 1');
    expect(text).not.toContain('event="sponsorship"');
  });

  it('checks the signature over the bytes GitHub sent, not over their UTF-8 decoding', async () => {
    await setUp();
    const signed = Buffer.from(JSON.stringify({ ...examplePayload('issues', 'opened'), note: '\uFFFD' }), 'utf8');
    // The same text with a raw 0xFF byte where U+FFFD was: it decodes to the signed text, but GitHub never signed these bytes.
    const at = signed.indexOf(Buffer.from('\uFFFD', 'utf8'));
    const forged = Buffer.concat([signed.subarray(0, at), Buffer.from([0xff]), signed.subarray(at + 3)]);
    const headers = {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': 'forged-1',
      'x-hub-signature-256': signBytes(signed),
    };
    expect(
      (await server.inject({ method: 'POST', url: '/api/github/webhooks', headers, payload: forged })).statusCode,
    ).toBe(401);
    // And bytes GitHub did sign are accepted even when they are not valid UTF-8.
    const res = await server.inject({
      method: 'POST',
      url: '/api/github/webhooks',
      headers: { ...headers, 'x-github-delivery': 'raw-1', 'x-hub-signature-256': signBytes(forged) },
      payload: forged,
    });
    expect(res.statusCode).toBe(202);
  });

  it("takes deliveries up to GitHub's 25 MB cap on the webhook route, and only there", async () => {
    await setUp();
    const payload = { ...examplePayload('issues', 'opened'), padding: 'p'.repeat(3 * 1024 * 1024) };
    const big = await signedDelivery(secret, 'issues', payload);
    expect(
      (await server.inject({ method: 'POST', url: '/api/github/webhooks', headers: big.headers, payload: big.body }))
        .statusCode,
    ).toBe(202);
    const over = Buffer.alloc(25 * 1024 * 1024 + 1, 0x20);
    const res = await server.inject({
      method: 'POST',
      url: '/api/github/webhooks',
      headers: { ...big.headers, 'x-hub-signature-256': signBytes(over) },
      payload: over,
    });
    expect(res.statusCode).toBe(413);
    const elsewhere = await server.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ padding: 'p'.repeat(2 * 1024 * 1024) }),
    });
    expect(elsewhere.statusCode).toBe(413);
  });

  it('answers a failure on our side with a generic message and a request id, and logs the detail', async () => {
    const logged: unknown[] = [];
    await setUp((b) => ({
      ...b,
      publish: () =>
        Promise.reject(Object.assign(new Error('relation "bus_outbox" does not exist'), { code: '42P01' })),
    }));
    server.log.error = (obj: unknown) => void logged.push(obj);
    const d = await signedDelivery(secret, 'issues', examplePayload('issues', 'opened'));
    const res = await server.inject({
      method: 'POST',
      url: '/api/github/webhooks',
      headers: d.headers,
      payload: d.body,
    });
    expect(res.statusCode).toBe(500);
    const body = res.json<{ code: string; message: string; requestId: string }>();
    expect(res.body).not.toContain('bus_outbox');
    expect(res.body).not.toContain('42P01');
    expect(body.code).toBe('WOW_ERR_INTERNAL');
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-request-id']).toBe(body.requestId);
    expect(body.message).toContain(body.requestId);
    await eventually(() => logged.length > 0, 'the error logged');
  });
});
