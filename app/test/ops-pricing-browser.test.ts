import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
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
import { accountSettings } from '#domains/commerce';
import { createServer } from '../server/create-server.ts';
import { storeBackends } from '../../test/support/test-stores.ts';
import { accessibilityViolations, launchChromium, screenshotDifference } from '../../test/support/browser.ts';
import { createGitHubDouble } from '../../test/doubles/github-api.ts';
import { hostileName, seedOpsRows } from '../../test/support/ops-rows.ts';

const log = createLogger('silent');
const busDefaults = { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 };
const agentsDir = fileURLToPath(new URL('fixtures/marketplace-agents', import.meta.url));
const screenshot = (name: string) => fileURLToPath(new URL(`screenshots/${name}`, import.meta.url));
// Pinned, so the dashboard's "as of" and every span it counts over are the same on each run;
// in the future, since the browser drops a session cookie that expired by its own clock.
const now = new Date('2099-06-01T09:00:00Z');

let store: Store;
let closeStore: () => Promise<void>;
let bus: Bus;
let server: FastifyInstance;
let base: string;
let browser: Browser;
const github = createGitHubDouble();

beforeAll(async () => {
  const postgres = storeBackends('ops-browser').find((b) => b.name === 'PostgreSQL');
  if (postgres === undefined) throw new Error('no PostgreSQL backend');
  ({ store, close: closeStore } = await postgres.open());
  bus = await createBus({ streamMaxLen: 1000, defaults: busDefaults, log });
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
  base = await server.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
  await server.close();
  await bus.close();
  await closeStore();
});

/** The page passes axe and looks as its committed screenshot does. */
async function check(page: Page, name: string): Promise<void> {
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(await screenshotDifference(page, screenshot(`${name}.png`))).toBeUndefined();
}

// Debian's chromium (CI installs it). Never skipped: a missing browser fails.
describe('the operators’ dashboard in a browser', () => {
  it('shows an operator signed in with GitHub the agents, layers, revenue and support', async () => {
    // bypassCSP: axe's script is added to the page, which allows none of its own.
    const context = await browser.newContext({
      bypassCSP: true,
      viewport: { width: 1200, height: 800 },
      deviceScaleFactor: 1,
    });
    context.setDefaultTimeout(10_000);
    // github.com is the double: the browser goes there and comes back as it would.
    await context.route('https://github.com/**', async (route) => {
      const answer = await github.fetch(route.request().url(), { redirect: 'manual' });
      const location = answer.headers.get('location');
      await route.fulfill({
        status: answer.status,
        headers: location === null ? {} : { location: location.replace('http://localhost:3000', base) },
        body: await answer.text(),
      });
    });
    const page = await context.newPage();
    await page.goto(`${base}/ops`);
    await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
    await page.getByRole('heading', { name: 'Operations', level: 1 }).waitFor();
    const keeper = page.getByRole('row', { name: /Keeper/ });
    expect(await keeper.innerText()).toContain('12.5%');
    // A hostile name is shown as the text it is, and no script of it ran.
    expect(await page.getByRole('cell', { name: /rogue/ }).innerText()).toContain(hostileName);
    expect(await page.getByRole('row', { name: /Customer agents/ }).innerText()).toContain('Degraded');
    expect(await page.locator('dl').innerText()).toContain('₹12,000.00 from 1 live subscription');
    await check(page, 'ops-dashboard');
    expect(github.violations).toEqual([]);
    await context.close();
  });
});

describe('the pricing page in a browser', () => {
  it('lists the plans and answers the calculator, a plain GET form', async () => {
    // The page has no script: the form is answered by the server. bypassCSP lets axe's in.
    const context = await browser.newContext({
      bypassCSP: true,
      viewport: { width: 1000, height: 800 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pricing' }).click();
    await page.getByRole('heading', { name: 'Pricing', level: 1 }).waitFor();
    await check(page, 'pricing');

    await page.getByLabel('Hours saved a month').fill('none');
    await page.getByLabel('Cost of an hour (₹)').fill('1500');
    await page.getByRole('button', { name: 'Calculate' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(await page.title()).toBe('Error: Pricing – WAOOAW');
    await check(page, 'pricing-errors');

    await page.getByLabel('Plan').selectOption('basic');
    await page.getByLabel('Hours saved a month').fill('12.5');
    await page.getByRole('button', { name: 'Calculate' }).click();
    await page.getByRole('heading', { name: 'Your return on the Basic plan' }).waitFor();
    expect(new URL(page.url()).search).toBe('?plan=basic&hours=12.5&cost=1500');
    expect(await page.locator('#result').innerText()).toContain('₹18,750.00 a month');
    await check(page, 'pricing-result');
    await context.close();
  });
});
