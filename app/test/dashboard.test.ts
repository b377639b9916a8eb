import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createLogger, createMetrics, loadConfig, type Bus, type Store } from '#platform';
import { issueApiKey } from '#domains/support';
import {
  acceptInvitation,
  createManualPayments,
  createSession,
  inviteMember,
  loadPricing,
  organisationsOf,
  signUp,
  subscribe,
  verifyEmail,
  type BillingTerms,
} from '#domains/commerce';
import { tokenIn } from '#domains/commerce/testing';
import { createServer } from '../server/create-server.ts';
import { storeBackends } from '../../test/support/test-stores.ts';
import { InjectBrowser } from '../../test/support/account-clients.ts';

const log = createLogger('silent');
const now = new Date('2026-12-01T09:00:00Z');
const link = { now, publicUrl: 'http://localhost:3000', ttlSeconds: 3600 };
const agentsDir = fileURLToPath(new URL('fixtures/dashboard-agents', import.meta.url));
const agents = new Map([
  ['seo-sage', { id: 'seo-sage', priceTier: 'standard' as const, name: 'SEO Sage' }],
  ['brand-voice', { id: 'brand-voice', priceTier: 'basic' as const, name: 'Brand <Voice>' }],
]);
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

describe.each(storeBackends('dashboard-http'))('the customer dashboard on $name', (backend) => {
  let store: Store;
  let closeStore: () => Promise<void>;
  let bus: Bus;
  let server: FastifyInstance;
  let terms: BillingTerms;

  beforeAll(async () => {
    ({ store, close: closeStore } = await backend.open());
    bus = await createBus({
      streamMaxLen: 1000,
      defaults: { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 },
      log,
    });
    terms = { pricing: await loadPricing('config/pricing.yml'), provider: createManualPayments() };
    server = await createServer({
      config: loadConfig({ AGENTS_DIR: agentsDir }),
      bus,
      store,
      log,
      metrics: createMetrics({ defaultMetrics: false }),
      clock: () => now,
      billing: { terms, agents, cycleSeconds: 0 },
      trialTickSeconds: 0,
    });
  });
  afterAll(async () => {
    await server.close();
    await bus.close();
    await closeStore();
  });

  /** A verified person with an organisation of their own, signed in: a browser holding their session. */
  async function person(email: string, organisation: string) {
    const { mail } = await signUp(store, { name: 'Ada', email, password: 'correct horse battery', organisation }, link);
    const user = await verifyEmail(store, tokenIn(mail.body, '/verify-email'), now);
    const { secret } = await createSession(store, { userId: user.id }, { now, ttlSeconds: 3600 });
    const browser = new InjectBrowser(server);
    browser.cookies.set('wow_session', secret);
    const [org] = await organisationsOf(store, user.id);
    if (org === undefined) throw new Error('no organisation');
    return { user, browser, org };
  }

  /** A task row as the recorder leaves a done one, with a deliverable and the organisation's rating. */
  async function doneTask(organisationId: string, agentId: string, taskType: string, minutes: number, stars?: number) {
    const id = randomUUID();
    await store.query(
      `insert into customer_tasks (id, organisation_id, agent_id, task_type, input, state, request_sha256, created_at, started_at, finished_at, summary)
       values ($1, $2, $3, $4, '{}', 'done', 'x', $5, $5, $6, 'did it')`,
      [id, organisationId, agentId, taskType, minutesAgo(minutes + 60), minutesAgo(60)],
    );
    await store.query(
      `insert into customer_deliverables (task_id, name, media_type, bytes, size) values ($1, 'report.md', 'text/markdown', $2, 9)`,
      [id, Buffer.from('# Report\n')],
    );
    if (stars !== undefined)
      await store.query('insert into customer_task_ratings (task_id, stars) values ($1, $2)', [id, stars]);
    return id;
  }

  /** A trial row as startTrial leaves it, started `daysAgo` days ago. */
  async function trial(organisationId: string, agentId: string, daysAgo: number) {
    const started = new Date(now.getTime() - daysAgo * 86_400_000);
    await store.query(
      `insert into commerce_trials (id, organisation_id, agent_id, started_at, ends_at, industry, goals, audience, tone, good_result)
       values ($1, $2, $3, $4, $5, 'Books', 'More readers', 'Pune', 'Warm', 'Fixes')`,
      [randomUUID(), organisationId, agentId, started, new Date(started.getTime() + 7 * 86_400_000)],
    );
  }

  it('shows an owner every hired agent with its work, the ROI in exact paise, usage, invoices and tickets', async () => {
    const owner = await person(`owner-${backend.name.length}@acme.example`, 'Acme Ltd');
    const { org } = owner;
    await trial(org.id, 'brand-voice', 4);
    const { invoice } = await subscribe(store, terms, {
      organisationId: org.id,
      agent: { id: 'seo-sage', priceTier: 'standard' },
      timeZone: 'Asia/Kolkata',
      now,
    });
    const audit = await doneTask(org.id, 'seo-sage', 'seo-sage.audit', 2, 5);
    await doneTask(org.id, 'seo-sage', 'seo-sage.audit', 4, 4);
    await doneTask(org.id, 'seo-sage', 'seo-sage.audit', 6);
    await doneTask(org.id, 'seo-sage', 'seo-sage.keywords', 8, 3);
    await doneTask(org.id, 'brand-voice', 'brand-voice.post', 30);
    const { key } = await issueApiKey(store, org.slug);
    const opened = await server.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      payload: JSON.stringify({ subject: 'Where is my audit?', body: 'Please look.' }),
    });
    expect(opened.statusCode).toBe(201);

    const page = await owner.browser.get('/dashboard');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    // 3 audits × 120 + 1 plan × 240 + 1 post × 150 = 750 minutes.
    expect(page.body).toContain('12 h 30 min');
    expect(page.body).toContain('set your hourly cost below');
    expect(page.body).toContain('Free trial: 3 days left');
    expect(page.body).toContain('Standard plan<br>renews in 31 days');
    expect(page.body).toContain('4.0 <small>(3 ratings)</small>');
    expect(page.body).toContain('Brand &lt;Voice&gt;');
    expect(page.body).toContain(`/orgs/${org.slug}/invoices/${invoice?.number}.pdf`);
    expect(page.body).toContain('Where is my audit?');
    expect(page.body).toContain('On track');
    expect(page.body).toContain('<tr data-day="2026-12-01" data-tasks="5" data-minutes="750">');
    expect(page.body).toContain('<script src="/dashboard/assets/uplot.iife.min.js" defer></script>');

    // The owner sets the hourly cost and records revenue; the figures follow, to the paisa.
    expect(
      (await owner.browser.post('/dashboard/hourly-cost', { organisation: org.slug, hourlyCost: '1,200.50' }))
        .statusCode,
    ).toBe(303);
    const bad = await owner.browser.post('/dashboard/revenue', {
      organisation: org.slug,
      amount: '12.345',
      note: '',
      date: 'soon',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('value="12.345"');
    const recorded = await owner.browser.post('/dashboard/revenue', {
      organisation: org.slug,
      amount: '25,000',
      note: 'Orders from the new pages',
      date: '2026-11-30',
    });
    expect(recorded.headers.location).toBe(`/dashboard?organisation=${org.slug}&notice=revenue`);
    const after = await owner.browser.get(recorded.headers.location ?? '');
    // 750 min × 120050 paise / 60 = 1,500,625 paise; plus ₹25,000.00 recorded.
    expect(after.body).toContain('₹15,006.25<small>at ₹1,200.50 an hour</small>');
    expect(after.body).toContain('₹40,006.25');
    expect(after.body).toContain('The revenue is recorded.');

    const json = await owner.browser.get('/api/dashboard');
    expect(json.statusCode).toBe(200);
    const body = json.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      organisation: { slug: org.slug, role: 'owner' },
      timeZone: 'Asia/Kolkata',
      roi: {
        minutesSaved: 750,
        hourlyCostPaise: 120_050,
        timeValuePaise: 1_500_625,
        revenuePaise: 2_500_000,
        totalPaise: 4_000_625,
      },
      revenue: [{ amountPaise: 2_500_000, note: 'Orders from the new pages', occurredOn: '2026-11-30' }],
      tickets: {
        items: [{ subject: 'Where is my audit?', tier: 'L1', status: 'new', sla: { state: 'on_track' } }],
        more: false,
      },
    });
    const seo = (body.agents as { id: string }[]).find((a) => a.id === 'seo-sage');
    expect(seo).toMatchObject({
      subscription: { status: 'active', planName: 'Standard', daysLeft: 31 },
      work: {
        tasksCompleted: 4,
        rating: { mean: 4, count: 3 },
        responseTime: { medianMs: 300_000, count: 4 },
        activeMs: 20 * 60_000,
      },
      minutesSaved: 600,
    });
    expect((body.usage as { day: string; tasksCompleted: number }[]).at(-1)).toEqual({
      day: '2026-12-01',
      tasksCompleted: 5,
      minutesSaved: 750,
    });
    // The same figures with the organisation's API key, read only.
    const byKey = await server.inject({
      method: 'GET',
      url: '/api/dashboard',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(byKey.json()).toMatchObject({ organisation: { role: 'key' }, roi: { totalPaise: 4_000_625 } });

    // The agent's page lists its tasks; their deliverables download from the dashboard.
    const tasks = await owner.browser.get(`/dashboard/agents/seo-sage?organisation=${org.slug}`);
    expect(tasks.statusCode).toBe(200);
    const download = `/dashboard/tasks/${audit}/report.md?organisation=${org.slug}`;
    expect(tasks.body).toContain(download.replace(/&/g, '&amp;'));
    const file = await owner.browser.get(download);
    expect(file.body).toBe('# Report\n');
    expect(file.headers['content-disposition']).toBe('attachment; filename="report.md"');
    expect((await owner.browser.get(`/dashboard/agents/nobody?organisation=${org.slug}`)).statusCode).toBe(404);

    // uPlot and the chart script come from this origin.
    for (const [url, type] of [
      ['/dashboard/assets/uplot.iife.min.js', 'text/javascript'],
      ['/dashboard/assets/uplot.min.css', 'text/css'],
      ['/dashboard/assets/usage-chart.js', 'text/javascript'],
    ] as const) {
      const asset = await server.inject({ method: 'GET', url });
      expect(asset.statusCode, url).toBe(200);
      expect(asset.headers['content-type']).toContain(type);
    }

    // Another organisation sees none of it, by page, API, deliverable or ticket list.
    const stranger = await person(`stranger-${backend.name.length}@else.example`, 'Else Ltd');
    expect((await stranger.browser.get(`/dashboard?organisation=${org.slug}`)).statusCode).toBe(404);
    expect((await stranger.browser.get(`/api/dashboard?organisation=${org.slug}`)).statusCode).toBe(404);
    expect(
      (await stranger.browser.get(`/dashboard/tasks/${audit}/report.md?organisation=${stranger.org.slug}`)).statusCode,
    ).toBe(404);
    const own = await stranger.browser.get('/dashboard');
    expect(own.body).toContain('Dashboard for Else Ltd');
    expect(own.body).not.toContain('Where is my audit?');
    expect(own.body).not.toContain('₹40,006.25');
    expect(own.body).toContain('You have not hired an agent yet');
    expect((await stranger.browser.get('/api/tickets')).json()).toEqual({ tickets: [], nextCursor: null });
    const strangerJson = (await stranger.browser.get('/api/dashboard')).json<{ roi: { totalPaise: number } }>();
    expect(strangerJson.roi.totalPaise).toBe(0);
  });

  it('lets a member read and record revenue but not change the hourly cost; signed out, it asks to sign in', async () => {
    const owner = await person(`o2-${backend.name.length}@beta.example`, 'Beta Ltd');
    const member = await person(`m2-${backend.name.length}@beta.example`, 'Member Own Ltd');
    const { mail } = await inviteMember(
      store,
      {
        slug: owner.org.slug,
        by: owner.user.id,
        fields: { email: `m2-${backend.name.length}@beta.example`, role: 'member' },
      },
      link,
    );
    await acceptInvitation(store, { token: tokenIn(mail.body, '/invitations/accept'), userId: member.user.id }, now);

    // Two organisations and none named: a choice, not a guess.
    const choice = await member.browser.get('/dashboard');
    expect(choice.body).toContain('Which organisation?');
    expect((await member.browser.get('/api/dashboard')).json()).toMatchObject({
      code: 'WOW_ERR_DASHBOARD_ORGANISATION',
    });
    const page = await member.browser.get(`/dashboard?organisation=${owner.org.slug}`);
    expect(page.body).toContain('Only an owner of Beta Ltd changes it.');
    expect(page.body).not.toContain('action="/dashboard/hourly-cost"');
    const refused = await member.browser.post('/dashboard/hourly-cost', {
      organisation: owner.org.slug,
      hourlyCost: '10',
    });
    expect(refused.statusCode).toBe(403);
    const noToken = await member.browser.post(
      '/dashboard/revenue',
      { organisation: owner.org.slug, amount: '1', note: 'x', date: '2026-11-30' },
      null,
    );
    expect(noToken.statusCode).toBe(403);
    const revenue = await member.browser.post('/dashboard/revenue', {
      organisation: owner.org.slug,
      amount: '99.99',
      note: 'A sale',
      date: '2026-12-01',
    });
    expect(revenue.statusCode).toBe(303);
    expect((await owner.browser.get('/api/dashboard')).json()).toMatchObject({ roi: { revenuePaise: 9999 } });

    const signedOut = new InjectBrowser(server);
    const redirect = await signedOut.get('/dashboard?organisation=beta-ltd');
    expect(redirect.statusCode).toBe(303);
    expect(redirect.headers.location).toBe(`/login?next=${encodeURIComponent('/dashboard?organisation=beta-ltd')}`);
    expect((await signedOut.get('/api/dashboard')).statusCode).toBe(401);
    expect((await signedOut.get('/api/tickets')).statusCode).toBe(401);
    expect(
      (
        await signedOut.post('/dashboard/revenue', {
          organisation: 'beta-ltd',
          amount: '1',
          note: 'x',
          date: '2026-11-30',
        })
      ).statusCode,
    ).toBe(403);
  });

  it('shows hostile text from customers and manifests as text, never markup', async () => {
    const owner = await person(`h-${backend.name.length}@evil.example`, '<script>alert(1)</script> Ltd');
    await trial(owner.org.id, 'brand-voice', 1);
    const { key } = await issueApiKey(store, owner.org.slug);
    await server.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      payload: JSON.stringify({ subject: '<svg onload=alert(2)>', body: 'x' }),
    });
    await owner.browser.get(`/dashboard?organisation=${owner.org.slug}`);
    await owner.browser.post('/dashboard/revenue', {
      organisation: owner.org.slug,
      amount: '1',
      note: '<img src=x onerror=alert(3)>"\'',
      date: '2026-12-01',
    });
    const bad = await owner.browser.post('/dashboard/revenue', {
      organisation: owner.org.slug,
      amount: '"><b>x',
      note: 'n',
      date: '2026-12-01',
    });
    const page = await owner.browser.get(`/dashboard?organisation=${owner.org.slug}`);
    for (const body of [page.body, bad.body]) {
      expect(body).not.toMatch(/<script>alert|<svg onload|<img src=x|"><b>x/);
      expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Ltd');
    }
    expect(page.body).toContain('&lt;svg onload=alert(2)&gt;');
    expect(page.body).toContain('&lt;img src=x onerror=alert(3)&gt;&quot;&#39;');
    expect(bad.body).toContain('value="&quot;&gt;&lt;b&gt;x"');
  });

  it('pages through GET /api/tickets by cursor, filtered, for the key or the session of its organisation only', async () => {
    const owner = await person(`t-${backend.name.length}@tickets.example`, 'Tickets Ltd');
    const { key } = await issueApiKey(store, owner.org.slug);
    const auth = { authorization: `Bearer ${key}` };
    for (let i = 0; i < 3; i++)
      await server.inject({
        method: 'POST',
        url: '/api/tickets',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        payload: JSON.stringify({ subject: `Question ${i}`, body: 'x', priority: i === 0 ? 'urgent' : 'normal' }),
      });
    const first = await server.inject({ method: 'GET', url: '/api/tickets?limit=2', headers: auth });
    expect(first.statusCode).toBe(200);
    const page1 = first.json<{ tickets: { subject: string; sla: { state: string } }[]; nextCursor: string }>();
    expect(page1.tickets).toHaveLength(2);
    const second = await server.inject({
      method: 'GET',
      url: `/api/tickets?limit=2&cursor=${encodeURIComponent(page1.nextCursor)}`,
      headers: auth,
    });
    const page2 = second.json<{ tickets: { subject: string }[]; nextCursor: string | null }>();
    expect(page2.nextCursor).toBeNull();
    expect([...page1.tickets, ...page2.tickets].map((t) => t.subject).sort()).toEqual([
      'Question 0',
      'Question 1',
      'Question 2',
    ]);
    expect((await server.inject({ method: 'GET', url: '/api/tickets?status=solved', headers: auth })).json()).toEqual({
      tickets: [],
      nextCursor: null,
    });
    for (const bad of ['limit=101', 'limit=0', 'tier=L4', 'status=nope', 'cursor=zzz']) {
      const refused = await server.inject({ method: 'GET', url: `/api/tickets?${bad}`, headers: auth });
      expect(refused.statusCode, bad).toBe(422);
      expect(refused.json(), bad).toMatchObject({ code: 'WOW_ERR_SUPPORT_INPUT' });
    }
    const bySession = await owner.browser.get('/api/tickets?tier=L1');
    expect(bySession.json<{ tickets: unknown[] }>().tickets).toHaveLength(3);
    expect(
      (await server.inject({ method: 'GET', url: '/api/tickets', headers: { authorization: 'Bearer wow_sk_nope' } }))
        .statusCode,
    ).toBe(401);
  });
});
