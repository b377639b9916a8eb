import { createHmac, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../app/server/create-server.ts';
import {
  createBus,
  createLogger,
  createMetrics,
  createStore,
  loadConfig,
  readSharedSettings,
  type Bus,
  type Store,
} from '#platform';
import { eventually, testBusDefaults } from '#platform/testing';
import { crlfTexts, hostileJsonBodies, hostileTexts } from '../fixtures/hostile/corpus.ts';
import { createCustomer, issueApiKey, supportSettings } from '#domains/support';
import { githubAppEnv } from '../support/github-app.ts';
import { examplePayload } from '../support/github-webhooks.ts';
import { testDatabaseUrl, uniqueName } from '../support/servers.ts';
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
    server = await createServer({
      config: loadConfig(githubAppEnv(secret)),
      support: readSharedSettings(supportSettings, {
        SUPPORT_RATE_LIMIT_PER_MINUTE: '100000',
        SUPPORT_FORM_PER_IP_PER_HOUR: '100000',
        SUPPORT_FORM_PER_EMAIL_PER_HOUR: '100000',
      }),
      bus,
      store,
      log,
      metrics: createMetrics({ defaultMetrics: false }),
    });
    await createCustomer(store, { slug: 'hostile-corpus', name: 'Hostile Corpus' });
    auth = { authorization: `Bearer ${(await issueApiKey(store, 'hostile-corpus')).key}` };
  });
  let auth: { authorization: string };
  const tickets = async () =>
    (await store.query<{ n: number }>('select count(*)::int as n from support_tickets')).rows[0]?.n;
  afterAll(async () => {
    await server.close();
    await bus.close();
    await close();
  });
  const queued = async () => (await bus.stats()).topics.reduce((n, t) => n + t.length, 0);
  const expectHealthy = async () =>
    expect((await server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

  describe('GitHub webhooks', () => {
    const headers = (body: Buffer, signed: boolean) => ({
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': signed ? signature(body) : 'sha256=00',
    });

    it.each(hostileJsonBodies().map((b) => [b.name, b.body] as const))(
      'refuses %s unsigned with 401 and queues nothing',
      async (_name, body) => {
        const before = await queued();
        const res = await server.inject({
          method: 'POST',
          url: '/api/github/webhooks',
          headers: headers(body, false),
          payload: body,
        });
        expect(res.statusCode).toBe(401);
        expect(res.json<{ message: string }>().message).toContain('WEBHOOK_SECRET');
        expect(await queued()).toBe(before);
        await expectHealthy();
      },
    );

    it.each(hostileJsonBodies().map((b) => [b.name, b.body] as const))(
      'answers %s signed with a 2xx or 4xx, never a 5xx',
      async (_name, body) => {
        const res = await server.inject({
          method: 'POST',
          url: '/api/github/webhooks',
          headers: headers(body, true),
          payload: body,
        });
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode >= 400) expect(res.json<{ message: string }>().message.length).toBeGreaterThan(10);
        await expectHealthy();
      },
    );

    it("queues signed deliveries whose text carries each hostile text exactly as GitHub sent it: checking it is the agents' job", async () => {
      const got = new Map<string, unknown>();
      await bus.subscribe({
        group: 'hostile-texts',
        types: ['github.issues.*'],
        handler: async (e) => void got.set(e.id, (e.data as { payload: { hostile?: unknown } }).payload.hostile),
      });
      for (const { text } of hostileTexts) {
        const body = Buffer.from(JSON.stringify({ ...examplePayload('issues', 'opened'), hostile: text }));
        const sent = headers(body, true);
        expect(
          (await server.inject({ method: 'POST', url: '/api/github/webhooks', headers: sent, payload: body }))
            .statusCode,
        ).toBe(202);
        await eventually(() => got.has(sent['x-github-delivery']), 'the delivery on the bus');
        expect(got.get(sent['x-github-delivery'])).toBe(text);
      }
    });

    it.each(crlfTexts.map((t) => [t] as const))(
      'refuses an X-GitHub-Delivery with CR/LF (%j) without queueing it',
      async (value) => {
        const body = Buffer.from(JSON.stringify(examplePayload('issues', 'opened')));
        const before = await queued();
        const res = await server.inject({
          method: 'POST',
          url: '/api/github/webhooks',
          headers: { ...headers(body, true), 'x-github-delivery': value },
          payload: body,
        });
        expect(res.statusCode).toBe(400);
        expect(await queued()).toBe(before);
      },
    );
  });

  // The hostile texts in every field are fed through the API, the form and mail by
  // agents/wowsupport/test/hostile-text.test.ts; here, what arrives as a whole body or header.
  describe('the ticket API', () => {
    it.each(hostileJsonBodies().map((b) => [b.name, b.body] as const))(
      'refuses %s with a 4xx that says what is wrong, and writes nothing',
      async (_name, body) => {
        const before = await tickets();
        const res = await server.inject({
          method: 'POST',
          url: '/api/tickets',
          headers: { ...auth, 'content-type': 'application/json' },
          payload: body,
        });
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        expect(res.json<{ message: string }>().message.length).toBeGreaterThan(10);
        expect(await tickets()).toBe(before);
        await expectHealthy();
      },
    );

    it.each(crlfTexts.map((t) => [t] as const))(
      'refuses an Idempotency-Key with CR/LF (%j) with 422 naming the header, and writes nothing',
      async (key) => {
        const before = await tickets();
        const res = await server.inject({
          method: 'POST',
          url: '/api/tickets',
          headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': key },
          payload: JSON.stringify({ subject: 'Login fails', body: 'Since this morning.' }),
        });
        expect(res.statusCode).toBe(422);
        expect(res.json<{ message: string }>().message).toContain('Idempotency-Key');
        expect(await tickets()).toBe(before);
      },
    );
  });

  describe('the web form', () => {
    const valid = 'email=ada%40acme.example&subject=Login+fails&message=';
    const bodies = [
      { name: '10 MB form', body: Buffer.from(`${valid}${'x'.repeat(10 * 1024 * 1024)}`) },
      { name: 'invalid UTF-8 bytes', body: Buffer.concat([Buffer.from(valid), Buffer.from([0xc3, 0x28, 0xff, 0xfe])]) },
      { name: 'percent-encoded invalid UTF-8', body: Buffer.from(`${valid}%FF%FE`) },
      { name: 'a malformed percent escape', body: Buffer.from(`${valid}100%25%2`) },
    ];
    it.each(bodies.map((b) => [b.name, b.body] as const))(
      'answers %s with a 4xx page, and writes nothing',
      async (_name, body) => {
        const before = await tickets();
        const res = await server.inject({
          method: 'POST',
          url: '/support',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: body,
        });
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        expect(res.headers['content-type']).toContain('text/html');
        expect(await tickets()).toBe(before);
        await expectHealthy();
      },
    );
  });

  describe('a failure on our side', () => {
    it('answers the API and the form without SQL, table names or codes, with a request id the log has', async () => {
      // A database without the desk's tables: every query fails as a missing relation (42P01).
      const bare = await createStore({
        url: testDatabaseUrl,
        dataDir: '.data',
        poolMax: 1,
        schema: uniqueName('bare'),
        log,
      });
      const logged: string[] = [];
      const capture = pino({ level: 'error' }, { write: (line: string) => void logged.push(line) });
      const broken = await createServer({
        config: loadConfig({}),
        bus,
        store: bare,
        log: capture,
        metrics: createMetrics({ defaultMetrics: false }),
      });
      try {
        const api = await broken.inject({
          method: 'POST',
          url: '/api/tickets',
          headers: {
            authorization: 'Bearer wow_sk_0123456789abcdef0123456789abcdef',
            'content-type': 'application/json',
          },
          payload: '{}',
        });
        expect(api.statusCode).toBe(500);
        const answer = api.json<{ code: string; requestId: string }>();
        expect(answer.code).toBe('WOW_ERR_INTERNAL');
        expect(api.body).not.toMatch(/relation|42P01|support_/);
        expect(api.headers['x-request-id']).toBe(answer.requestId);
        expect(logged.some((line) => line.includes(answer.requestId) && line.includes('42P01'))).toBe(true);
        const form = await broken.inject({
          method: 'POST',
          url: '/support',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'email=ada%40acme.example&subject=Login+fails&message=It+fails',
        });
        expect(form.statusCode).toBe(500);
        expect(form.body).not.toMatch(/relation|42P01|support_/);
        expect(form.body).toContain(String(form.headers['x-request-id']));
      } finally {
        await broken.close();
        await bare.close();
      }
    });
  });
});
