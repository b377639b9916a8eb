import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBus,
  createLogger,
  createMetrics,
  loadConfig,
  readSharedSettings,
  type Bus,
  type Store,
} from '#platform';
import { supportSettings } from '#domains/support';
import { accountSettings } from '#domains/commerce';
import { tokenIn } from '#domains/commerce/testing';
import { createServer } from '../server/create-server.ts';
import type { OpsFigures } from '../ops/ops-figures.ts';
import { storeBackends } from '../../test/support/test-stores.ts';
import { InjectBrowser, startSmtpSink, type SmtpSink } from '../../test/support/account-clients.ts';
import { createGitHubDouble } from '../../test/doubles/github-api.ts';
import { hostileName, hostileSignal, opsPricing, seedOpsRows } from '../../test/support/ops-rows.ts';

const log = createLogger('silent');
const busDefaults = { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 };
const agentsDir = fileURLToPath(new URL('fixtures/marketplace-agents', import.meta.url));
const now = new Date('2026-12-01T09:00:00Z');

let store: Store;
let closeStore: () => Promise<void>;
let bus: Bus;
let sink: SmtpSink;
let server: FastifyInstance;
const github = createGitHubDouble();

beforeAll(async () => {
  const postgres = storeBackends('ops-dashboard').find((b) => b.name === 'PostgreSQL');
  if (postgres === undefined) throw new Error('no PostgreSQL backend');
  ({ store, close: closeStore } = await postgres.open());
  bus = await createBus({ streamMaxLen: 1000, defaults: busDefaults, log });
  sink = await startSmtpSink();
  github.oauth.signedIn = 'octo-operator';
  github.teams.set('acme/waooaw-ops', ['octo-operator']);
  await seedOpsRows(store, now);
  server = await createServer({
    // The seeded heartbeats stay fresh however slowly a loaded machine runs the test.
    config: loadConfig({ AGENTS_DIR: agentsDir, HEARTBEAT_TIMEOUT_MS: '3600000' }),
    bus,
    store,
    log,
    metrics: createMetrics({ defaultMetrics: false }),
    support: readSharedSettings(supportSettings, { SMTP_URL: sink.url }),
    accounts: readSharedSettings(accountSettings, {
      GITHUB_CLIENT_ID: github.oauth.clientId,
      GITHUB_CLIENT_SECRET: github.oauth.clientSecret,
      ACCOUNTS_OPERATOR_TEAM: 'acme/waooaw-ops',
    }),
    githubFetch: github.fetch,
    billing: { cycleSeconds: 0 },
    trialTickSeconds: 0,
    clock: () => now,
  });
});
afterAll(async () => {
  await server.close();
  await bus.close();
  await sink.close();
  await closeStore();
});

/** An operator's browser, signed in through the GitHub double. */
async function operator(): Promise<InjectBrowser> {
  const browser = new InjectBrowser(server);
  const start = await browser.get('/auth/github');
  const back = await github.fetch(start.headers.location ?? '', { redirect: 'manual' });
  const callback = new URL(back.headers.get('location') ?? '');
  expect((await browser.get(`${callback.pathname}${callback.search}`)).headers.location).toBe('/ops');
  return browser;
}

describe("the operators' dashboard", () => {
  it('gives an operator the figures of the real rows, as JSON', async () => {
    const res = await (await operator()).get('/api/ops/figures');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const figures = res.json<OpsFigures>();
    expect(figures.at).toBe(now.toISOString());
    const agent = (id: string) => figures.agents.find((a) => a.id === id);
    expect(agent('keeper')).toEqual({
      id: 'keeper',
      name: 'Keeper',
      kind: 'coe',
      status: 'Available',
      version: '1.2.0',
      liveInstances: 1,
      instances: 1,
      handled: 48,
      perHour: 2,
      errorRate: 0.125,
      halted: null,
      openIncidents: [{ openedAt: '2026-12-01T08:30:00.000Z', signals: ['errors', hostileSignal], issueNumber: 42 }],
    });
    expect(agent('seo-sage')).toMatchObject({
      kind: 'customer',
      status: 'Working',
      handled: 12,
      perHour: 0.5,
      errorRate: 0,
    });
    // In AGENTS_DIR but never registered: Offline, at its manifest's version, nothing handled.
    expect(agent('tutor-tara')).toMatchObject({ kind: 'customer', status: 'Offline', instances: 0, errorRate: null });
    expect(agent('rogue')).toMatchObject({ kind: 'coe', status: 'Offline', name: hostileName });
    expect(figures.layers).toEqual([
      { layer: 0, name: 'Identity', state: 'down', why: 'The platform has no identity key: its DID does not resolve.' },
      { layer: 1, name: 'Infrastructure', state: 'healthy', why: 'The database and the bus answer.' },
      {
        layer: 2,
        name: 'CoE agents',
        state: 'degraded',
        why: '1 of 2 live; 1 with an open incident or a halted identity.',
      },
      {
        layer: 3,
        name: 'Customer agents',
        state: 'degraded',
        why: '1 of 4 live; 0 with an open incident or a halted identity.',
      },
    ]);
    expect(figures.trials).toEqual({
      since: '2026-11-01T09:00:00.000Z',
      started: 3,
      active: 1,
      converted: 1,
      ended: 1,
      conversionRate: 1 / 3,
    });
    expect(figures.revenue).toEqual({
      mrrPaise: opsPricing.plans.standard.monthlyPaise,
      live: 1,
      pastDue: 0,
      churn: { since: '2026-11-01T09:00:00.000Z', liveAtStart: 2, cancelled: 1, rate: 0.5 },
    });
    expect(
      figures.support.map(({ tier, reached, solvedHere, solvedShare, medianResponseMinutes }) => ({
        tier,
        reached,
        solvedHere,
        solvedShare,
        medianResponseMinutes,
      })),
    ).toEqual([
      { tier: 'L1', reached: 3, solvedHere: 2, solvedShare: 2 / 3, medianResponseMinutes: 1 },
      { tier: 'L2', reached: 1, solvedHere: 0, solvedShare: 0, medianResponseMinutes: null },
      { tier: 'L3', reached: 0, solvedHere: 0, solvedShare: null, medianResponseMinutes: null },
    ]);
  });

  it("shows the same on /ops, every stranger's text escaped", async () => {
    const page = await (await operator()).get('/ops');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('<h1>Operations</h1>');
    expect(page.body).toContain('₹12,000.00 from 1 live subscription');
    expect(page.body).toContain('50.0% (1 cancelled of 2 live at the start)');
    expect(page.body).toContain('<td>12.5%</td>');
    expect(page.body).toContain('(issue #42)');
    expect(page.body).not.toContain(hostileName);
    expect(page.body).not.toContain(hostileSignal);
    expect(page.body).toContain('&lt;script&gt;alert(&quot;ops&quot;)&lt;/script&gt;');
    expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('gives no figures to anyone but an operator', async () => {
    const stranger = new InjectBrowser(server);
    const anonymous = await stranger.get('/api/ops/figures');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({
      code: 'WOW_ERR_SESSION_REQUIRED',
      message: 'Sign in first: this page is only for a signed-in operator.',
    });
    expect((await stranger.get('/ops')).headers.location).toBe('/ops/sign-in');
    // A signed-in customer is no operator.
    const customer = new InjectBrowser(server);
    await customer.get('/signup');
    await customer.post('/signup', {
      name: 'Ada',
      email: 'ada@example.com',
      password: 'correct horse battery staple',
      organisation: 'Pune Books',
    });
    const token = tokenIn((await sink.next('ada@example.com')).text, '/verify-email');
    expect((await customer.post('/verify-email', { token })).headers.location).toBe('/account?notice=verified');
    expect((await customer.get('/account')).statusCode).toBe(200);
    const refused = await customer.get('/api/ops/figures');
    expect(refused.statusCode).toBe(401);
    expect(refused.body).not.toContain('mrrPaise');
    expect((await customer.get('/ops')).headers.location).toBe('/ops/sign-in');
  });
});
