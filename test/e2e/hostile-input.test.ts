import { createHmac, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../app/server/create-server.ts';
import { createBus, createLogger, createMetrics, loadConfig, type Bus, type Store } from '../../agents/runtime/src/index.ts';
import { eventually, testBusDefaults } from '../contract/bus-contract.ts';
import { crlfTexts, hostileJsonBodies, hostileTexts } from '../fixtures/hostile/corpus.ts';
import { examplePayload } from '../support/github-webhooks.ts';
import { storeBackends } from '../support/test-stores.ts';

const log = createLogger('silent');
const secret = 'hostile-webhook-secret';
const signature = (body: Buffer) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

// The corpus through every door of the HTTP server, on the embedded database (the door's
// checks do not depend on the backend; the storage suites cover both).
const [, embedded] = storeBackends('hostile');

describe('the hostile-input corpus through every door', () => {
  let store: Store;
  let close: () => Promise<void>;
  let bus: Bus;
  let server: FastifyInstance;
  beforeAll(async () => {
    if (embedded === undefined) throw new Error('storeBackends lists the embedded database second');
    ({ store, close } = await embedded.open());
    bus = await createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log });
    server = await createServer({ config: loadConfig({ WEBHOOK_SECRET: secret }), bus, store, log, metrics: createMetrics({ defaultMetrics: false }) });
  });
  afterAll(async () => {
    await server.close();
    await bus.close();
    await close();
  });
  const queued = async () => (await bus.stats()).topics.reduce((n, t) => n + t.length, 0);
  const expectHealthy = async () => expect((await server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

  describe('GitHub webhooks', () => {
    const headers = (body: Buffer, signed: boolean) => ({ 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signed ? signature(body) : 'sha256=00' });

    it.each(hostileJsonBodies().map((b) => [b.name, b.body] as const))('refuses %s unsigned with 401 and queues nothing', async (_name, body) => {
      const before = await queued();
      const res = await server.inject({ method: 'POST', url: '/api/github/webhooks', headers: headers(body, false), payload: body });
      expect(res.statusCode).toBe(401);
      expect(res.json<{ message: string }>().message).toContain('WEBHOOK_SECRET');
      expect(await queued()).toBe(before);
      await expectHealthy();
    });

    it.each(hostileJsonBodies().map((b) => [b.name, b.body] as const))('answers %s signed with a 2xx or 4xx, never a 5xx', async (_name, body) => {
      const res = await server.inject({ method: 'POST', url: '/api/github/webhooks', headers: headers(body, true), payload: body });
      expect(res.statusCode).toBeLessThan(500);
      if (res.statusCode >= 400) expect(res.json<{ message: string }>().message.length).toBeGreaterThan(10);
      await expectHealthy();
    });

    it('queues signed deliveries whose text carries each hostile text exactly as GitHub sent it: checking it is the agents\' job', async () => {
      const got = new Map<string, unknown>();
      await bus.subscribe({ group: 'hostile-texts', types: ['github.issues.*'], handler: async (e) => void got.set(e.id, (e.data as { payload: { hostile?: unknown } }).payload.hostile) });
      for (const { text } of hostileTexts) {
        const body = Buffer.from(JSON.stringify({ ...examplePayload('issues', 'opened'), hostile: text }));
        const sent = headers(body, true);
        expect((await server.inject({ method: 'POST', url: '/api/github/webhooks', headers: sent, payload: body })).statusCode).toBe(202);
        await eventually(() => got.has(sent['x-github-delivery']), 'the delivery on the bus');
        expect(got.get(sent['x-github-delivery'])).toBe(text);
      }
    });

    it.each(crlfTexts.map((t) => [t] as const))('refuses an X-GitHub-Delivery with CR/LF (%j) without queueing it', async (value) => {
      const body = Buffer.from(JSON.stringify(examplePayload('issues', 'opened')));
      const before = await queued();
      const res = await server.inject({ method: 'POST', url: '/api/github/webhooks', headers: { ...headers(body, true), 'x-github-delivery': value }, payload: body });
      expect(res.statusCode).toBe(400);
      expect(await queued()).toBe(before);
    });
  });
});
