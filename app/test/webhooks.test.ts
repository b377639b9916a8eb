import { sign } from '@octokit/webhooks-methods';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createServer } from '../server/create-server.ts';
import { type Bus, type CloudEvent, createBus, createMetrics, createStore, loadConfig, type Store } from '#platform';
import type { GitHubEventData } from '../webhooks/accept-webhook.ts';
import { eventually, quietLog, testBusDefaults } from '#platform/testing';
import { githubAppEnv } from '../../test/support/github-app.ts';
import { examplePayload, signedDelivery } from '../../test/support/github-webhooks.ts';
import { testDatabaseUrl, testRedisUrl, uniqueName } from '../../test/support/servers.ts';

const secret = 'test-webhook-secret';
const config = loadConfig(githubAppEnv(secret));
const prefixes: string[] = [];
afterAll(async () => {
  const redis = new Redis(testRedisUrl);
  for (const p of prefixes) {
    const keys = await redis.keys(`${p}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

const buses: { name: string; make: () => Promise<Bus> }[] = [
  { name: 'in-process bus', make: () => createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log: quietLog }) },
  {
    name: 'Redis Streams',
    make: () => {
      const keyPrefix = `${uniqueName('hooks')}:`;
      prefixes.push(keyPrefix);
      return createBus({
        redisUrl: testRedisUrl,
        keyPrefix,
        streamMaxLen: 10_000,
        defaults: testBusDefaults,
        log: quietLog,
      });
    },
  },
];

describe.each(buses)('webhook ingest on the $name', ({ make }) => {
  let server: FastifyInstance;
  let bus: Bus;
  let store: Store;
  const setUp = async (cfg = config) => {
    bus = await make();
    store = await createStore({ url: testDatabaseUrl, dataDir: '.data', poolMax: 2, log: quietLog });
    server = await createServer({
      config: cfg,
      bus,
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
  const post = async (d: Awaited<ReturnType<typeof signedDelivery>>, headers: Record<string, string> = {}) =>
    server.inject({
      method: 'POST',
      url: '/api/github/webhooks',
      headers: { ...d.headers, ...headers },
      payload: d.body,
    });
  const received = async (group: string, types: string[]) => {
    const got: CloudEvent<GitHubEventData>[] = [];
    await bus.subscribe({ group, types, handler: async (e) => void got.push(e as CloudEvent<GitHubEventData>) });
    return got;
  };

  it('queues a verified delivery as github.<event>.<action> and answers 202', async () => {
    await setUp();
    const got = await received('pr', ['github.pull_request.*']);
    const payload = examplePayload('pull_request', 'opened');
    const d = await signedDelivery(secret, 'pull_request', payload);
    const res = await post(d);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ queued: true, duplicate: false, type: 'github.pull_request.opened', id: d.delivery });
    await eventually(() => got.length === 1, 'the event on the bus');
    const repo = (payload.repository as { full_name: string }).full_name;
    expect(got[0]).toMatchObject({
      id: d.delivery,
      type: 'github.pull_request.opened',
      source: `https://github.com/${repo}`,
      subject: `${repo}#${(payload.pull_request as { number: number }).number}`,
    });
    expect(got[0]?.data).toEqual({
      name: 'pull_request',
      id: d.delivery,
      installationId: (payload.installation as { id: number } | undefined)?.id,
      payload,
    });
  });

  it('names events without an action github.<event>', async () => {
    await setUp();
    const got = await received('pushes', ['github.push']);
    const res = await post(await signedDelivery(secret, 'push', examplePayload('push')));
    expect(res.json()).toMatchObject({ type: 'github.push' });
    await eventually(() => got.length === 1, 'the push event');
  });

  it('rejects a bad signature with 401 and queues nothing', async () => {
    await setUp();
    const d = await signedDelivery('another-secret', 'issues', examplePayload('issues', 'opened'));
    const res = await post(d);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'WOW_ERR_WEBHOOK_SIGNATURE' });
    expect(res.json<{ message: string }>().message).toContain('WEBHOOK_SECRET');
    const tampered = await signedDelivery(secret, 'issues', examplePayload('issues', 'opened'));
    expect(
      (
        await server.inject({
          method: 'POST',
          url: '/api/github/webhooks',
          headers: tampered.headers,
          payload: tampered.body.replace('opened', 'closed'),
        })
      ).statusCode,
    ).toBe(401);
    const unsigned = await signedDelivery(secret, 'issues', examplePayload('issues', 'opened'));
    expect(
      (
        await server.inject({
          method: 'POST',
          url: '/api/github/webhooks',
          headers: { ...unsigned.headers, 'x-hub-signature-256': '' },
          payload: unsigned.body,
        })
      ).statusCode,
    ).toBe(401);
    expect((await bus.stats()).topics.reduce((n, t) => n + t.length, 0)).toBe(0);
  });

  it('rejects a delivery without GitHub headers, or with a body that is not JSON, with 400', async () => {
    await setUp();
    const d = await signedDelivery(secret, 'issues', examplePayload('issues', 'opened'));
    const { ['x-github-delivery']: _omit, ...headers } = d.headers;
    const res = await server.inject({ method: 'POST', url: '/api/github/webhooks', headers, payload: d.body });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'WOW_ERR_WEBHOOK_INVALID' });
    const bad = await server.inject({
      method: 'POST',
      url: '/api/github/webhooks',
      headers: { ...d.headers, 'x-hub-signature-256': await sign(secret, 'not json') },
      payload: 'not json',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toContain('not JSON');
  });

  it('queues a redelivered delivery id once', async () => {
    await setUp();
    const got = await received('issues', ['github.issues.*']);
    const d = await signedDelivery(secret, 'issues', examplePayload('issues', 'opened'));
    expect((await post(d)).json()).toMatchObject({ queued: true, duplicate: false });
    expect((await post(d)).json()).toMatchObject({ queued: false, duplicate: true });
    await eventually(() => got.length === 1, 'one event');
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(1);
    const metrics = await server.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('wow_webhooks_received_total{event="issues",outcome="queued"} 1');
    expect(metrics.body).toContain('wow_webhooks_received_total{event="issues",outcome="duplicate"} 1');
  });

  it('queues a delivery id once when its redeliveries arrive all at once, and answers each of them', async () => {
    await setUp();
    const got = await received('issues', ['github.issues.*']);
    const d = await signedDelivery(secret, 'issues', examplePayload('issues', 'opened'));
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(d)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array.from({ length: 20 }, () => 202));
    const bodies = answers.map((a) => a.json<{ queued: boolean; duplicate: boolean }>());
    expect(bodies.filter((b) => b.queued)).toHaveLength(1);
    expect(bodies.filter((b) => b.duplicate)).toHaveLength(19);
    await eventually(() => got.length === 1, 'one event');
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(1);
    expect((await bus.stats()).topics.find((t) => t.topic === 'github.issues')?.length).toBe(1);
  });

  it("puts the payload on the bus as the body's JSON holds it, however GitHub laid the body out", async () => {
    await setUp();
    const got = await received('pr', ['github.pull_request.*']);
    const payload: Record<string, unknown> = {
      ...examplePayload('pull_request', 'opened'),
      note: 'café "quoted" \\ ✓',
    };
    // Indented, with escapes where JSON.stringify would write the characters: the text the signature covers.
    const body = JSON.stringify(payload, null, 2).replace('café', 'caf\\u00e9').replace('✓', '\\u2713');
    const d = await signedDelivery(secret, 'pull_request', payload);
    const res = await server.inject({
      method: 'POST',
      url: '/api/github/webhooks',
      headers: { ...d.headers, 'x-hub-signature-256': await sign(secret, body) },
      payload: body,
    });
    expect(res.statusCode).toBe(202);
    await eventually(() => got.length === 1, 'the event on the bus');
    expect(got[0]?.data).toEqual({
      name: 'pull_request',
      id: d.delivery,
      installationId: (payload.installation as { id: number } | undefined)?.id,
      payload,
    });
    if (bus.kind === 'redis') {
      // Written as received, not parsed and serialized again.
      const redis = new Redis(testRedisUrl);
      const entries = await redis.xrange(`${prefixes.at(-1) ?? ''}stream:github.pull_request`, '-', '+');
      await redis.quit();
      expect(entries[0]?.[1][1]).toContain(body);
    }
  });

  it('answers before a slow handler finishes: handlers never run inside the request', async () => {
    await setUp();
    let release: () => void = () => undefined;
    let finished = false;
    let started = false;
    await bus.subscribe({
      group: 'slow',
      types: ['github.issues.*'],
      handler: async () => {
        started = true;
        await new Promise<void>((r) => (release = r));
        finished = true;
      },
    });
    const res = await post(await signedDelivery(secret, 'issues', examplePayload('issues', 'opened')));
    expect(res.statusCode).toBe(202);
    expect(finished).toBe(false);
    await eventually(() => started, 'handler start');
    release();
    await eventually(() => finished, 'handler end');
  });

  it('serves /healthz, /readyz and /metrics; /readyz says which dependency is down', async () => {
    await setUp();
    expect((await server.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await server.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ database: 'ok', bus: 'ok' });
    const metrics = await server.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    for (const name of [
      'wow_bus_events_published_total',
      'wow_bus_events_consumed_total',
      'wow_bus_events_failed_total',
      'wow_bus_events_dead_lettered_total',
      'wow_bus_handler_duration_seconds',
      'wow_bus_pending_entries',
    ])
      expect(metrics.body).toContain(name);
    await bus.close();
    const down = await server.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    // Which dependency is down, never the driver's message (hosts, users): the route is public.
    expect(down.json()).toEqual({ database: 'ok', bus: 'unreachable' });
  });

  it('refuses deliveries it cannot verify when no WEBHOOK_SECRET is set', async () => {
    await setUp(loadConfig({}));
    const res = await post(await signedDelivery(secret, 'issues', examplePayload('issues', 'opened')));
    expect(res.statusCode).toBe(503);
    expect(res.json<{ message: string }>().message).toContain('set WEBHOOK_SECRET');
  });

  it('refuses deliveries, and queues nothing, until the server is the GitHub App (APP_ID and its key)', async () => {
    await setUp(loadConfig({ WEBHOOK_SECRET: secret }));
    const res = await post(await signedDelivery(secret, 'issues', examplePayload('issues', 'opened')));
    expect(res.statusCode).toBe(503);
    expect(res.json<{ message: string }>().message).toContain('set APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH)');
    expect((await bus.stats()).topics.reduce((n, t) => n + t.length, 0)).toBe(0);
  });
});
