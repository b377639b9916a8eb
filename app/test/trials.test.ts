import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBus,
  createLogger,
  createMetrics,
  loadConfig,
  loadManifests,
  readSharedSettings,
  type Bus,
  type Store,
} from '#platform';
import { issueApiKey, supportSettings } from '#domains/support';
import { accountSettings, organisationsOf, tickTrials, type Organisation } from '#domains/commerce';
import { tokenIn } from '#domains/commerce/testing';
import { createCustomerChannels } from '../../agents/wownotification/src/index.ts';
import { createServer } from '../server/create-server.ts';
import { storeBackends } from '../../test/support/test-stores.ts';
import { InjectBrowser, startSmtpSink, type SmtpSink } from '../../test/support/account-clients.ts';

const log = createLogger('silent');
const busDefaults = { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 };
const password = 'correct horse battery staple';
const agentsDir = fileURLToPath(new URL('../../domains/commerce/test/fixtures/trial-agents', import.meta.url));
const t0 = new Date('2026-12-01T09:00:00Z');
const answers = {
  industry: 'Bookshops',
  goals: 'More visitors from search',
  audience: 'Readers in Pune',
  tone: 'warm',
  goodResult: 'Fixes we can make this week',
};

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
});

describe.each(storeBackends('trials-http'))('trials over HTTP on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  let bus: Bus;
  let server: FastifyInstance;
  let now = t0;

  beforeAll(async () => {
    ({ store, close } = await backend.open());
    bus = await createBus({ streamMaxLen: 1000, defaults: busDefaults, log });
    server = await createServer({
      config: loadConfig({ AGENTS_DIR: agentsDir }),
      bus,
      store,
      log,
      metrics: createMetrics({ defaultMetrics: false }),
      support: readSharedSettings(supportSettings, { SMTP_URL: sink.url }),
      accounts: readSharedSettings(accountSettings, { ACCOUNTS_MAIL_PER_IP: '1000' }),
      clock: () => now,
    });
  });
  afterAll(async () => {
    await server.close();
    await bus.close();
    await close();
  });

  /** Signs up and verifies through the pages, as a person does; the browser is signed in. */
  async function signedUp(email: string, organisation: string): Promise<{ browser: InjectBrowser; org: Organisation }> {
    const browser = new InjectBrowser(server);
    await browser.get('/signup');
    expect(
      (await browser.post('/signup', { name: 'Ada <b>Lovelace</b>', email, password, organisation })).statusCode,
    ).toBe(303);
    const mail = await sink.next(email);
    await browser.get(`/verify-email?token=${encodeURIComponent(tokenIn(mail.text, '/verify-email'))}`);
    await browser.post('/verify-email', { token: tokenIn(mail.text, '/verify-email') });
    const user = await store.query<{ id: string }>('select id from commerce_users where email = $1', [email]);
    const [org] = await organisationsOf(store, user.rows[0]?.id ?? '');
    if (org === undefined) throw new Error('no organisation');
    return { browser, org };
  }

  const outboxed = async (type: string) =>
    (
      await store.query<{ event: { data: Record<string, unknown> } }>(
        "select event from outbox where event->>'type' = $1",
        [type],
      )
    ).rows.map((r) => r.event.data);

  it('starts a trial from the page: sign-in first, the form, its problems escaped, CSRF, then the trial and its reminders by mail', async () => {
    const signedOut = await server.inject({ method: 'GET', url: '/agents/seo/trial' });
    expect(signedOut.statusCode).toBe(303);
    expect(signedOut.headers.location).toBe('/login?next=%2Fagents%2Fseo%2Ftrial');

    const email = `ada-${backend.name.length}@example.com`;
    const { browser, org } = await signedUp(email, 'Pune <Books>');
    const form = await browser.get('/agents/seo/trial');
    expect(form.statusCode).toBe(200);
    expect(form.headers['content-security-policy']).toContain("default-src 'none'");
    expect(form.body).toContain('<h1>Start your free trial of SEO Specialist</h1>');
    expect(form.body).toContain('For Pune &lt;Books&gt;.');
    expect(form.body).toContain('<label for="goodResult">What a good result looks like</label>');

    // Without the form's token: refused, nothing written.
    const forged = await browser.post('/agents/seo/trial', answers, null);
    expect(forged.statusCode).toBe(403);
    expect((await store.query('select 1 from commerce_trials')).rows).toEqual([]);

    const wrong = await browser.post('/agents/seo/trial', {
      ...answers,
      organisation: org.slug,
      industry: '<script>x</script>',
      goals: '',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('<title>Error: Start your free trial of SEO Specialist – WAOOAW</title>');
    expect(wrong.body).toContain('<li><a href="#goals">Enter your goals</a></li>');
    expect(wrong.body).toContain('value="&lt;script&gt;x&lt;/script&gt;"');
    expect(wrong.body).not.toContain('<script>');

    const started = await browser.post('/agents/seo/trial', { ...answers, organisation: org.slug });
    expect(started.statusCode).toBe(303);
    expect(started.headers.location).toBe(`/agents/seo/trial?organisation=${org.slug}&notice=started`);
    const status = await browser.get(started.headers.location as string);
    expect(status.body).toContain(
      'Your free trial has started. SEO Specialist is working on its first deliverable for Pune &lt;Books&gt;.',
    );
    expect(status.body).toContain('<td>8 December 2026 at 09:00 UTC</td>');
    expect(status.body).toContain('Active: 7 days left.');
    expect(await outboxed('commerce.trial.started')).toHaveLength(1);
    expect((await outboxed('customer.task.requested'))[0]).toMatchObject({
      taskType: 'seo.audit',
      input: { industry: 'Bookshops' },
    });

    // The same organisation again: refused above the form, with where to subscribe.
    await browser.get('/agents/wowcoe/trial');
    const again = await browser.post('/agents/seo/trial', { ...answers, organisation: org.slug });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('has had its free trial of seo already');

    // Day 5, through the platform's mail, as a schedule's tick sends it.
    const channels = await createCustomerChannels({ smtpUrl: sink.url, emailFrom: 'WAOOAW <support@waooaw.example>' });
    const send = channels.noticeEmail;
    if (send === undefined) throw new Error('no mail channel');
    const agents = (await loadManifests(agentsDir)).map((m) => m.manifest);
    now = new Date(t0.getTime() + 4 * 86_400_000);
    const tick = await tickTrials(store, now, {
      agents,
      subscriptionStatus: () => Promise.resolve(undefined),
      sendMail: (mail) => send(mail),
      publicUrl: 'https://waooaw.example',
    });
    channels.close();
    expect(tick.reminded).toEqual([{ trialId: expect.any(String) as unknown, day: 5, mailed: 1 }]);
    const reminder = await sink.next(email);
    expect(reminder.subject).toBe('Your free trial of SEO Specialist ends on 8 December 2026');
    expect(reminder.text).toContain('Subscribe: https://waooaw.example/agents/seo');
    now = t0;
  });

  it('answers 404 for an agent that is not for hire', async () => {
    const { browser } = await signedUp(`bo-${backend.name.length}@example.com`, 'Bo Ltd');
    for (const id of ['wowcoe', 'uncatalogued', 'nobody']) {
      const res = await browser.get(`/agents/${id}/trial`);
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('The marketplace at /agents lists the agents you can try.');
    }
  });

  it('serves /api/trials to an organisation’s key and to a signed-in customer', async () => {
    const { browser, org } = await signedUp(`cy-${backend.name.length}@example.com`, 'Cy Ltd');
    const { key } = await issueApiKey(store, org.slug);
    const api = (method: 'GET' | 'POST', headers: Record<string, string>, body?: unknown) =>
      server.inject({
        method,
        url: '/api/trials',
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
    const bearer = { authorization: `Bearer ${key}` };

    const nobody = await api('GET', {});
    expect(nobody.statusCode).toBe(401);
    expect(nobody.headers['www-authenticate']).toBe('Bearer realm="waooaw"');

    const invalid = await api('POST', bearer, { agentId: 'tutor', ...answers, tone: '' });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json()).toMatchObject({
      code: 'WOW_ERR_ACCOUNT_INPUT',
      errors: [{ field: 'tone', message: 'Enter your tone' }],
    });

    const created = await api('POST', bearer, { agentId: 'tutor', ...answers });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      trial: { organisationId: org.id, agentId: 'tutor', startedBy: null, state: 'active', answers },
      firstTask: null,
    });
    const twice = await api('POST', bearer, { agentId: 'tutor', ...answers });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'WOW_ERR_TRIAL_EXISTS' });

    // The signed-in customer: the session's cookie, JSON in and out.
    const session = { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    const bySession = await api('POST', session, { agentId: 'seo', ...answers });
    expect(bySession.statusCode).toBe(201);
    const listed = await api('GET', session);
    expect(
      listed
        .json<{ trials: { agentId: string; organisation: string }[] }>()
        .trials.map((t) => [t.agentId, t.organisation])
        .sort(),
    ).toEqual([
      ['seo', org.slug],
      ['tutor', org.slug],
    ]);
    expect((await api('GET', bearer)).json<{ trials: unknown[] }>().trials).toHaveLength(2);
    // A form post with the cookie is not JSON: refused before anything is read.
    const formPost = await server.inject({
      method: 'POST',
      url: '/api/trials',
      headers: { ...session, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'agentId=content',
    });
    expect(formPost.statusCode).toBe(400);
  });
});
