import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentSecretBox,
  createBus,
  createIdentity,
  createMetrics,
  loadConfig,
  type Bus,
  type CloudEvent,
  type Metrics,
} from '#platform';
import { eventually, quietLog, testBusDefaults } from '#platform/testing';
import { saveCredential } from '../../agents/wowintegration/src/index.ts';
import { testMasterKey } from '../../test/support/sign-as.ts';
import { storeBackends, type TestStore } from '../../test/support/test-stores.ts';
import { createServer } from '../server/create-server.ts';

// Outside APIs' webhooks through the server's door, verified by the repository's connectors:
// Salesforce's (X-Signature, HMAC-SHA256 of "timestamp.body") and the generic one's
// (Stripe-Signature "t=…,v1=…").
const dir = fileURLToPath(new URL('../../integrations', import.meta.url));
const config = loadConfig({ IDENTITY_MASTER_KEY: testMasterKey });
const now = new Date('2026-12-06T01:00:00Z');
const unix = Math.floor(now.getTime() / 1000);
const secrets = { salesforce: 'whsec-salesforce-0123456789abcdef', generic: 'whsec-generic-0123456789abcdef' };
const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');

let test: TestStore;
let bus: Bus;
let metrics: Metrics;
let server: FastifyInstance;
const received: CloudEvent[] = [];

beforeAll(async () => {
  const backend = storeBackends('intwebhooks')[0];
  if (backend === undefined) throw new Error('no PostgreSQL backend');
  test = await backend.open();
  bus = await createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log: quietLog });
  await bus.subscribe({
    group: 'test-integration-webhooks',
    types: ['integration.webhook.received'],
    handler: async (event) => {
      received.push(event);
    },
  });
  const identity = await createIdentity({ settings: config.identity, store: test.store, log: quietLog });
  const box = agentSecretBox(identity.kms.secrets, 'wowintegration');
  const client = { clientId: 'id', clientSecret: 'client-secret' };
  await saveCredential(test.store, box, 'salesforce', {
    ...client,
    refreshToken: 'rt',
    webhookSecret: secrets.salesforce,
  });
  await saveCredential(test.store, box, 'generic-oauth2', { ...client, webhookSecret: secrets.generic });
  metrics = createMetrics({ defaultMetrics: false });
  server = await createServer({
    config,
    bus,
    store: test.store,
    log: quietLog,
    metrics,
    secrets: identity.kms.secrets,
    integrations: { dir },
    clock: () => now,
  });
});

afterAll(async () => {
  await server.close();
  await bus.close();
  await test.close();
});

const post = (name: string, body: string, headers: Record<string, string>) =>
  server.inject({
    method: 'POST',
    url: `/api/integrations/${name}/webhook`,
    headers: { 'content-type': 'application/json', ...headers },
    payload: body,
  });

describe('outside APIs’ webhooks', () => {
  it('publishes a Salesforce webhook whose HMAC-SHA256 of timestamp.body matches, once per signature', async () => {
    const body = JSON.stringify({ caseId: '500xx0000001', status: 'Closed' });
    const headers = {
      'x-signature': hmac(secrets.salesforce, `${unix}.${body}`),
      'x-signature-timestamp': String(unix),
    };
    const first = await post('salesforce', body, headers);
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ queued: true, duplicate: false });
    expect((await post('salesforce', body, headers)).json()).toMatchObject({ queued: false, duplicate: true });
    await eventually(async () => received.length === 1, 'the webhook published');
    expect(received[0]).toMatchObject({
      type: 'integration.webhook.received',
      subject: 'salesforce',
      data: { integration: 'salesforce', payload: { caseId: '500xx0000001', status: 'Closed' } },
    });
  });

  it('publishes a Stripe-style signed webhook, any of its v1 signatures matching', async () => {
    const body = JSON.stringify({ id: 'evt_1', type: 'invoice.paid' });
    const header = `t=${unix},v1=${'0'.repeat(64)},v1=${hmac(secrets.generic, `${unix}.${body}`)}`;
    const res = await post('generic-oauth2', body, { 'stripe-signature': header });
    expect(res.statusCode).toBe(202);
    await eventually(async () => received.some((e) => e.subject === 'generic-oauth2'), 'the webhook published');
  });

  it.each([
    [
      'a signature of another body',
      { 'x-signature': hmac(secrets.salesforce, `${unix}.{}`), 'x-signature-timestamp': String(unix) },
      /does not match/,
    ],
    [
      'a signature under another secret',
      { 'x-signature': hmac('another-secret-0123456789', `${unix}.{"a":1}`), 'x-signature-timestamp': String(unix) },
      /does not match/,
    ],
    [
      'an old timestamp',
      { 'x-signature': hmac(secrets.salesforce, `${unix - 600}.{"a":1}`), 'x-signature-timestamp': String(unix - 600) },
      /600 s from now/,
    ],
    ['no signature', { 'x-signature-timestamp': String(unix) }, /no X-Signature header/],
    [
      'signature text that is not hex',
      { 'x-signature': 'zz'.repeat(32), 'x-signature-timestamp': String(unix) },
      /does not match/,
    ],
  ])('refuses %s with 401, counts a security violation and publishes nothing', async (_what, headers, message) => {
    const before = received.length;
    const res = await post('salesforce', '{"a":1}', headers);
    expect(res.statusCode).toBe(401);
    const answer = res.json<{ code: string; message: string }>();
    expect(answer.code).toBe('WOW_ERR_INTEGRATION_WEBHOOK');
    expect(answer.message).toMatch(message);
    expect(await metrics.registry.getSingleMetricAsString('wow_security_violations_total')).toMatch(
      /kind="webhook_signature"/,
    );
    expect(received.length).toBe(before);
  });

  it('refuses a body over the connector’s limit with 413 and an unknown connector with 404', async () => {
    const big = JSON.stringify({ filler: 'x'.repeat(300 * 1024) });
    const headers = {
      'x-signature': hmac(secrets.salesforce, `${unix}.${big}`),
      'x-signature-timestamp': String(unix),
    };
    expect((await post('salesforce', big, headers)).statusCode).toBe(413);
    const unknown = await post('stripe', '{}', { 'stripe-signature': `t=${unix},v1=00` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'WOW_ERR_CONNECTOR_NOT_FOUND' });
  });
});
