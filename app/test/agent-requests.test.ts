import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBus,
  createEvent,
  createLogger,
  createMetrics,
  loadConfig,
  readSharedSettings,
  type Bus,
  type Store,
} from '#platform';
import { eventuallyPasses } from '#platform/testing';
import { supportSettings } from '#domains/support';
import { accountSettings, organisationsOf, type Organisation } from '#domains/commerce';
import { requestsPerDay } from '#domains/customer';
import { tokenIn } from '#domains/commerce/testing';
import { createServer } from '../server/create-server.ts';
import { storeBackends } from '../../test/support/test-stores.ts';
import { InjectBrowser, startSmtpSink, type SmtpSink } from '../../test/support/account-clients.ts';

// "Request an agent": an organisation describes an agent the marketplace lacks; the request
// goes out as customer.agent.requested (WowAgentFactory's tests take it from there) and the
// page links the questionnaire issue once factory.custom_request.opened comes back.
const log = createLogger('silent');
const busDefaults = { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 };
const password = 'correct horse battery staple';
const t0 = new Date('2026-12-01T09:00:00Z');
const request = {
  name: 'Invoice Checker',
  purpose: 'Checks supplier invoices against purchase orders before they are paid.',
  industry: 'Healthcare',
  'task.title': 'Check an invoice',
  'task.input': 'the invoice and its purchase order, as text',
  'task.output': 'the lines that differ, with amounts',
  'task.minutesSaved': '20',
};

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
});

describe.each(storeBackends('agent-requests'))('requests for custom agents on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  let bus: Bus;
  let server: FastifyInstance;

  beforeAll(async () => {
    ({ store, close } = await backend.open());
    bus = await createBus({ streamMaxLen: 1000, defaults: busDefaults, log });
    server = await createServer({
      config: loadConfig({ PUBLIC_URL: 'https://waooaw.example' }),
      bus,
      store,
      log,
      metrics: createMetrics({ defaultMetrics: false }),
      support: readSharedSettings(supportSettings, { SMTP_URL: sink.url }),
      accounts: readSharedSettings(accountSettings, { ACCOUNTS_MAIL_PER_IP: '1000' }),
      clock: () => t0,
    });
  });
  afterAll(async () => {
    await server.close();
    await bus.close();
    await close();
  });

  async function signedUp(email: string, organisation: string): Promise<{ browser: InjectBrowser; org: Organisation }> {
    const browser = new InjectBrowser(server);
    await browser.get('/signup');
    await browser.post('/signup', { name: 'Grace', email, password, organisation });
    const mail = await sink.next(email);
    await browser.post('/verify-email', { token: tokenIn(mail.text, '/verify-email') });
    const user = await store.query<{ id: string }>('select id from commerce_users where email = $1', [email]);
    const [org] = await organisationsOf(store, user.rows[0]?.id ?? '');
    if (org === undefined) throw new Error('no organisation');
    return { browser, org };
  }

  const requested = async () =>
    (
      await store.query<{ event: { data: Record<string, unknown>; customer?: string } }>(
        "select event from outbox where event->>'type' = 'customer.agent.requested' order by id",
      )
    ).rows.map((r) => r.event);

  it('takes a request from the form, checked and escaped, and links its issue once the Factory opened it', async () => {
    const signedOut = await server.inject({ method: 'GET', url: '/agents/request' });
    expect(signedOut.statusCode).toBe(303);
    expect(signedOut.headers.location).toBe('/login?next=%2Fagents%2Frequest');

    const { browser, org } = await signedUp(`grace-${backend.name.length}@example.com`, 'Clinics <Pune>');
    const form = await browser.get('/agents/request');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<h1>Request an agent</h1>');
    expect(form.body).toContain('For Clinics &lt;Pune&gt;.');

    // Without the form's token: refused, nothing written.
    expect((await browser.post('/agents/request', request, null)).statusCode).toBe(403);
    // A name that would mention people on GitHub, and a purpose too short: named, escaped, nothing written.
    const wrong = await browser.post('/agents/request', { ...request, name: '@acme/everyone <b>', purpose: 'short' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('<title>Error: Request an agent – WAOOAW</title>');
    expect(wrong.body).toContain('value="@acme/everyone &lt;b&gt;"');
    expect(wrong.body).toMatch(/The name: expected one line of letters/);
    expect(wrong.body).toMatch(/What it should do: .*20/);
    expect(await requested()).toEqual([]);

    const sent = await browser.post('/agents/request', request);
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`/agents/request?organisation=${org.slug}&sent=1`);
    const [event] = await requested();
    expect(event?.customer).toBe(org.slug);
    expect(event?.data.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event?.data).toEqual({
      requestId: event?.data.requestId,
      organisationId: org.id,
      organisationSlug: org.slug,
      name: 'Invoice Checker',
      purpose: request.purpose,
      industry: 'Healthcare',
      task: {
        title: 'Check an invoice',
        input: request['task.input'],
        output: request['task.output'],
        minutesSaved: 20,
      },
      link: 'https://waooaw.example/agents/request',
    });
    const listed = await browser.get(sent.headers.location as string);
    expect(listed.body).toContain('Request sent');
    expect(listed.body).toContain('Received: our team turns it into an agent specification');

    // The Factory's answer, and a forged one from another agent, which changes nothing.
    const requestId = String(event?.data.requestId);
    const opened = (source: string, issue: number) =>
      createEvent({
        source,
        type: 'factory.custom_request.opened',
        subject: requestId,
        data: {
          requestId,
          organisationId: org.id,
          agentId: 'invoice-checker-0a1b2c',
          issue,
          url: `https://github.com/acme/waooaw/issues/${issue}`,
        },
      });
    await bus.publish(opened('urn:wow:agent:marketer', 666));
    await bus.publish(opened('urn:wow:agent:factory', 42));
    await eventuallyPasses(async () => {
      const api = await browser.get(`/api/agent-requests?organisation=${org.slug}`);
      expect(api.json()).toMatchObject({
        requests: [{ id: requestId, status: 'issue-opened', issue: { number: 42 } }],
      });
    });
    expect((await browser.get('/agents/request')).body).toContain(
      'In review: <a href="https://github.com/acme/waooaw/issues/42">issue #42</a>',
    );
  });

  it(`takes at most ${requestsPerDay} requests a day from an organisation`, async () => {
    const { browser } = await signedUp(`ada-${backend.name.length}@example.com`, 'Busy Org');
    for (let i = 0; i < requestsPerDay; i++)
      expect((await browser.post('/agents/request', { ...request, name: `Checker ${i}` })).statusCode).toBe(303);
    const refused = await browser.post('/agents/request', request);
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toContain(`sent ${requestsPerDay} agent requests in the last 24 hours`);
  });
});
