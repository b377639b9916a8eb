import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { createBus, createLogger, createMetrics, loadConfig, type Bus, type Store } from '#platform';
import { issueApiKey } from '#domains/support';
import {
  createManualPayments,
  createSession,
  inviteMember,
  loadPricing,
  organisationsOf,
  acceptInvitation,
  signUp,
  verifyEmail,
} from '#domains/commerce';
import { tokenIn } from '#domains/commerce/testing';
import { createServer } from '../server/create-server.ts';
import { storeBackends } from '../../test/support/test-stores.ts';
import { InjectBrowser } from '../../test/support/account-clients.ts';

const log = createLogger('silent');
const now = new Date('2026-01-31T19:00:00Z');
const link = { now, publicUrl: 'http://localhost:3000', ttlSeconds: 3600 };
const agents = new Map([
  ['seo', { id: 'seo', priceTier: 'standard' as const, name: 'SEO Auditor' }],
  ['writer', { id: 'writer', priceTier: 'basic' as const, name: 'Content <Writer>' }],
]);

let store: Store;
let closeStore: () => Promise<void>;
let bus: Bus;
let server: FastifyInstance;

/** A verified person, signed in: a browser holding their session cookie. */
async function person(email: string, organisation?: string) {
  const { mail } = await signUp(
    store,
    { name: 'Ada', email, password: 'correct horse battery', organisation: organisation ?? 'Spare Org' },
    link,
  );
  const user = await verifyEmail(store, tokenIn(mail.body, '/verify-email'), now);
  const { secret } = await createSession(store, { userId: user.id }, { now, ttlSeconds: 3600 });
  const browser = new InjectBrowser(server);
  browser.cookies.set('wow_session', secret);
  return { user, browser };
}

beforeAll(async () => {
  const embedded = storeBackends('billing-http').find((b) => b.name === 'embedded PGlite');
  if (embedded === undefined) throw new Error('no embedded backend');
  ({ store, close: closeStore } = await embedded.open());
  bus = await createBus({
    streamMaxLen: 1000,
    defaults: { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 },
    log,
  });
  server = await createServer({
    config: loadConfig({}),
    bus,
    store,
    log,
    metrics: createMetrics({ defaultMetrics: false }),
    clock: () => now,
    billing: {
      terms: { pricing: await loadPricing('config/pricing.yml'), provider: createManualPayments() },
      agents,
      cycleSeconds: 0,
    },
  });
});
afterAll(async () => {
  await server.close();
  await bus.close();
  await closeStore();
});

describe('billing doors', () => {
  it('lets an owner subscribe, change plan and cancel from the page, without JavaScript, and a member only read', async () => {
    const owner = await person('owner@acme.example', 'Acme Ltd');
    const [org] = await organisationsOf(store, owner.user.id);
    const page = await owner.browser.get(`/orgs/${org?.slug}/billing`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('Content &lt;Writer&gt; – Basic, ₹8,000.00 a month');
    expect(page.body).not.toContain('<script');

    // A form without the CSRF token does nothing.
    expect(
      (await owner.browser.post(`/orgs/${org?.slug}/billing/subscribe`, { choice: 'seo:standard' }, null)).statusCode,
    ).toBe(403);
    const subscribed = await owner.browser.post(`/orgs/${org?.slug}/billing/subscribe`, { choice: 'seo:standard' });
    expect(subscribed.statusCode).toBe(303);
    const after = await owner.browser.get(`/orgs/${org?.slug}/billing?notice=subscribed`);
    // Dates in Kolkata: 19:00 UTC on Jan 31 is Feb 1 there.
    expect(after.body).toContain('1 Feb 2026 – 1 Mar 2026');
    expect(after.body).toContain('₹14,160.00');
    const number = /(WAO-2026-\d{6})/.exec(after.body)?.[1];
    expect(number).toBeDefined();

    const again = await owner.browser.post(`/orgs/${org?.slug}/billing/subscribe`, { choice: 'seo:standard' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('subscribes to seo already');

    expect((await owner.browser.post(`/orgs/${org?.slug}/billing/seo/plan`, { planId: 'premium' })).statusCode).toBe(
      303,
    );
    expect((await owner.browser.post(`/orgs/${org?.slug}/billing/seo/cancel`, {})).statusCode).toBe(303);
    const cancelled = await owner.browser.get(`/orgs/${org?.slug}/billing`);
    expect(cancelled.body).toContain('Ends 1 Mar 2026');
    expect(cancelled.body).toContain('Premium, ₹18,000.00 a month');

    const pdf = await owner.browser.get(`/orgs/${org?.slug}/invoices/${number}.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((await PDFDocument.load(pdf.rawPayload)).getTitle()).toBe(`Invoice ${number}`);

    // A member sees the page and the invoices, but may not change anything.
    const member = await person('member@acme.example');
    const { link: invited } = await inviteMember(
      store,
      { slug: org?.slug ?? '', by: owner.user.id, fields: { email: 'member@acme.example', role: 'member' } },
      link,
    ).then((r) => ({ link: tokenIn(r.mail.body, '/invitations/accept') }));
    await acceptInvitation(store, { token: invited, userId: member.user.id }, now);
    const memberPage = await member.browser.get(`/orgs/${org?.slug}/billing`);
    expect(memberPage.body).toContain('Only an owner of Acme Ltd may subscribe');
    const refused = await member.browser.post(`/orgs/${org?.slug}/billing/writer/cancel`, {});
    expect(refused.statusCode).toBe(403);
    // Another organisation's invoice is not there for a stranger.
    const stranger = await person('stranger@else.example', 'Else Ltd');
    expect((await stranger.browser.get(`/orgs/${org?.slug}/invoices/${number}.pdf`)).statusCode).toBe(404);
    // Signed out, the page asks to sign in.
    expect((await new InjectBrowser(server).get(`/orgs/${org?.slug}/billing`)).headers.location).toMatch(
      /^\/login\?next=/,
    );
  });

  it("serves /api/subscriptions with a wow_sk_ key (read only) and an owner's session (changes)", async () => {
    const owner = await person('api-owner@beta.example', 'Beta Ltd');
    const [org] = await organisationsOf(store, owner.user.id);
    const { key } = await issueApiKey(store, org?.slug ?? '');
    const json = (payload: unknown, headers: Record<string, string>) =>
      server.inject({
        method: 'POST',
        url: '/api/subscriptions',
        headers: { 'content-type': 'application/json', ...headers },
        payload: JSON.stringify(payload),
      });

    const byKey = await json({ agentId: 'writer' }, { authorization: `Bearer ${key}` });
    expect(byKey.statusCode).toBe(403);
    expect(byKey.json()).toMatchObject({ code: 'WOW_ERR_NOT_OWNER' });

    const cookie = { cookie: `wow_session=${owner.browser.cookies.get('wow_session')}` };
    const bad = await json({ agentId: 'writer', planId: 5 }, cookie);
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ code: 'WOW_ERR_BILLING_INPUT' });
    expect((await json({ agentId: 'nobody' }, cookie)).json()).toMatchObject({ code: 'WOW_ERR_AGENT_NOT_SOLD' });
    const created = await json({ agentId: 'writer', timeZone: 'UTC' }, cookie);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      subscription: { agentId: 'writer', planId: 'basic', status: 'active' },
      invoice: { totalPaise: 944_000, status: 'open' },
    });

    const listed = await server.inject({
      method: 'GET',
      url: '/api/subscriptions',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(listed.statusCode).toBe(200);
    type Money = { status: string; subtotalPaise: number; taxPaise: number; totalPaise: number };
    type Line = { amountPaise: number; periodStart: string | null };
    type Invoice = Money & { lines: Line[]; pdf: string };
    type Subscription = { planId: string; status: string; cancelAtPeriodEnd: boolean; creditPaise: number };
    const body = listed.json<{
      organisation: string;
      subscriptions: { agentId: string }[];
      plans: { agentId: string; plans: { id: string; name: string; monthlyPaise: number }[] }[];
      tax: { name: string; basisPoints: number };
      invoices: Invoice[];
    }>();
    expect(body.subscriptions.map((s) => s.agentId)).toEqual(['writer']);
    // Every field a client reads comes through the route's schema (it serializes the answer).
    expect(body.organisation).toBe(org?.slug);
    expect(body.plans.find((p) => p.agentId === 'writer')?.plans[0]).toEqual({
      id: 'basic',
      name: 'Basic',
      monthlyPaise: 800_000,
    });
    expect(body.tax).toEqual({ name: 'GST', basisPoints: 1800 });
    const [first] = body.invoices;
    expect(first).toMatchObject({ status: 'open', subtotalPaise: 800_000, taxPaise: 144_000, totalPaise: 944_000 });
    expect(first?.lines.map((l) => l.amountPaise)).toEqual([800_000]);
    expect(first?.lines[0]?.periodStart).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(first?.pdf).toMatch(/^\/api\/invoices\/.+\.pdf$/);

    const upgraded = await json({ agentId: 'writer', action: 'change_plan', planId: 'premium' }, cookie);
    expect(upgraded.statusCode).toBe(200);
    const change = upgraded.json<{ subscription: Subscription; invoice: Invoice }>();
    expect(change.subscription).toMatchObject({ planId: 'premium', status: 'active' });
    // The rest of the period on Premium, less the unused Basic: ₹10,000 + 18% GST.
    expect(change.invoice).toMatchObject({ status: 'open', totalPaise: 1_180_000 });
    expect(change.invoice.lines.map((l) => l.amountPaise)).toEqual([1_800_000, -800_000]);
    const cancelled = await json({ agentId: 'writer', action: 'cancel' }, cookie);
    expect(cancelled.statusCode).toBe(200);
    const cancel = cancelled.json<{ subscription: Subscription; invoice?: Invoice }>();
    expect(Object.keys(cancel)).toEqual(['subscription']);
    expect(cancel.subscription).toMatchObject({ planId: 'premium', cancelAtPeriodEnd: true, creditPaise: 0 });
    const pdf = await server.inject({
      method: 'GET',
      url: body.invoices[0]?.pdf ?? '',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((await server.inject({ method: 'GET', url: '/api/subscriptions' })).statusCode).toBe(401);
  });
});
