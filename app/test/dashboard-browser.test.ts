import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createLogger, createMetrics, loadConfig, type Bus, type Store } from '#platform';
import { issueApiKey } from '#domains/support';
import {
  createManualPayments,
  createSession,
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
import { accessibilityViolations, launchChromium, screenshotDifference } from '../../test/support/browser.ts';

const log = createLogger('silent');
// Pinned, so the pages' dates and the screenshots stay the same.
const now = new Date('2026-12-01T09:00:00Z');
const screenshot = (name: string) => fileURLToPath(new URL(`screenshots/${name}`, import.meta.url));
const agentsDir = fileURLToPath(new URL('fixtures/dashboard-agents', import.meta.url));
const agents = new Map([
  ['seo-sage', { id: 'seo-sage', priceTier: 'standard' as const, name: 'SEO Sage' }],
  ['brand-voice', { id: 'brand-voice', priceTier: 'basic' as const, name: 'Brand <Voice>' }],
]);
const dayMs = 86_400_000;

let store: Store;
let closeStore: () => Promise<void>;
let bus: Bus;
let server: FastifyInstance;
let base: string;
let browser: Browser;
let session: string;
let slug: string;

beforeAll(async () => {
  const embedded = storeBackends('dashboard-browser').find((b) => b.name === 'embedded PGlite');
  if (embedded === undefined) throw new Error('no embedded backend');
  ({ store, close: closeStore } = await embedded.open());
  bus = await createBus({
    streamMaxLen: 1000,
    defaults: { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 },
    log,
  });
  const terms: BillingTerms = { pricing: await loadPricing('config/pricing.yml'), provider: createManualPayments() };
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
  base = await server.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();

  // Pune Books: a month with SEO Sage (subscribed) and a trial of Brand <Voice>, tasks on most days.
  const link = { now, publicUrl: base, ttlSeconds: 3600 };
  const { mail } = await signUp(
    store,
    {
      name: 'Ada Lovelace',
      email: 'ada@punebooks.example',
      password: 'correct horse battery',
      organisation: 'Pune Books',
    },
    link,
  );
  const user = await verifyEmail(store, tokenIn(mail.body, '/verify-email'), now);
  session = (await createSession(store, { userId: user.id }, { now, ttlSeconds: 3600 })).secret;
  const [org] = await organisationsOf(store, user.id);
  if (org === undefined) throw new Error('no organisation');
  slug = org.slug;
  await subscribe(store, terms, {
    organisationId: org.id,
    agent: { id: 'seo-sage', priceTier: 'standard' },
    timeZone: 'Asia/Kolkata',
    now: new Date(now.getTime() - 20 * dayMs),
  });
  await store.query(
    `insert into commerce_trials (id, organisation_id, agent_id, started_at, ends_at, industry, goals, audience, tone, good_result)
     values ($1, $2, 'brand-voice', $3, $4, 'Books', 'Readers', 'Pune', 'Warm', 'Fixes')`,
    [randomUUID(), org.id, new Date(now.getTime() - 2 * dayMs), new Date(now.getTime() + 5 * dayMs)],
  );
  for (let day = 0; day < 30; day++)
    for (let n = 0; n < (day * 7) % 4; n++) {
      const finished = new Date(now.getTime() - day * dayMs - n * 3_600_000);
      const id = randomUUID();
      const [agent, type] = n % 2 === 0 ? ['seo-sage', 'seo-sage.audit'] : ['brand-voice', 'brand-voice.post'];
      await store.query(
        `insert into customer_tasks (id, organisation_id, agent_id, task_type, input, state, request_sha256, created_at, started_at, finished_at)
         values ($1, $2, $3, $4, '{}', 'done', 'x', $5, $5, $6)`,
        [id, org.id, agent, type, new Date(finished.getTime() - (5 + n) * 60_000), finished],
      );
      if (day % 3 === 0)
        await store.query('insert into customer_task_ratings (task_id, stars) values ($1, $2)', [id, 4 + (n % 2)]);
    }
  const { key } = await issueApiKey(store, slug);
  await server.inject({
    method: 'POST',
    url: '/api/tickets',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    payload: JSON.stringify({ subject: 'How do I add a second shop?', body: 'We opened a new branch.' }),
  });
  // The desk times a ticket by the database's clock: set back to the pinned one, so the page's dates stay put.
  await store.query('update support_tickets set created_at = $1 where customer_id = $2', [now, org.id]);
  await store.query(
    `update support_sla_clocks set started_at = $1::timestamptz, due_at = $1::timestamptz + target_minutes * interval '1 minute'
      where ticket_id in (select id from support_tickets where customer_id = $2)`,
    [now, org.id],
  );
});
afterAll(async () => {
  await browser.close();
  await server.close();
  await bus.close();
  await closeStore();
});

/** A browser context signed in as Ada (her session cookie set), with the options given. */
async function signedIn(options: Parameters<Browser['newContext']>[0]): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1100, height: 800 },
    deviceScaleFactor: 1,
    ...options,
  });
  await context.addCookies([{ name: 'wow_session', value: session, url: base }]);
  return context;
}

/** The page passes axe and looks as its committed screenshot does. */
async function check(page: Page, name: string): Promise<void> {
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(await screenshotDifference(page, screenshot(`dashboard-${name}.png`))).toBeUndefined();
}

// Debian's chromium (CI installs it). Never skipped: a missing browser fails.
describe('the customer dashboard in a browser', () => {
  it('draws the usage chart with uPlot under its own CSP, and passes axe', { timeout: 120_000 }, async () => {
    const strict = await signedIn({});
    const live = await strict.newPage();
    const refused: string[] = [];
    live.on('console', (message) => {
      if (message.type() === 'error') refused.push(message.text());
    });
    await live.goto(`${base}/dashboard`);
    await live.getByRole('heading', { name: 'Dashboard for Pune Books' }).waitFor();
    await live.locator('#usage-chart canvas').waitFor();
    expect(await live.locator('#usage-chart .u-legend').innerText()).toContain('Tasks completed');
    expect(refused).toEqual([]);
    await strict.close();

    // axe's own script is let in for the checks; the page is the same.
    const context = await signedIn({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}/dashboard`);
    await page.locator('#usage-chart canvas').waitFor();
    await check(page, 'home');
    await page.getByRole('link', { name: 'SEO Sage' }).click();
    await page.getByRole('heading', { name: 'SEO Sage for Pune Books' }).waitFor();
    await check(page, 'agent-tasks');
    await context.close();
  });

  it('works without JavaScript: the figures as a table, and the ROI forms', { timeout: 120_000 }, async () => {
    const context = await signedIn({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/dashboard`);
    expect(await page.locator('#usage-chart').isHidden()).toBe(true);
    expect(await page.locator('#usage-table tbody tr').count()).toBe(30);
    await page.getByLabel('Cost of an hour of a person’s work (₹)').fill('800');
    await page.getByRole('button', { name: 'Save hourly cost' }).click();
    await page.getByText('The hourly cost is saved').waitFor();
    expect(await page.locator('dd').nth(1).innerText()).toMatch(/^₹[\d,]+\.\d\d\nat ₹800\.00 an hour$/);
    await page.getByLabel('Amount (₹)').fill('12,500');
    await page.getByLabel('Where it came from').fill('Event tickets sold through the new pages');
    await page.getByRole('button', { name: 'Record revenue' }).click();
    await page.getByText('The revenue is recorded.').waitFor();
    expect(await page.getByRole('table', { name: /Revenue recorded/ }).innerText()).toContain('₹12,500.00');
    await context.close();
  });
});
