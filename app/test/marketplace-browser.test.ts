import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createEvent, createMetrics, loadConfig, type Bus, type CloudEvent, type Store } from '#platform';
import { eventuallyPasses, quietLog, testBusDefaults } from '#platform/testing';
import { createServer } from '../server/create-server.ts';
import { storeBackends } from '../../test/support/test-stores.ts';
import { accessibilityViolations, launchChromium, screenshotDifference } from '../../test/support/browser.ts';

// A visitor in Debian's Chromium on the embedded defaults (PGlite, the in-process bus), with
// the fixture agents: browse, filter, search, open a profile, and see the figures and the
// live feed follow the events agents publish.
const agentsDir = fileURLToPath(new URL('fixtures/marketplace-agents', import.meta.url));
const screenshot = (name: string) => fileURLToPath(new URL(`screenshots/${name}`, import.meta.url));
const now = new Date('2026-12-01T10:00:00Z');
const minutesAgo = (n: number) => new Date(now.getTime() - n * 60_000).toISOString();
const [, embedded] = storeBackends('marketplace_browser');
if (embedded === undefined) throw new Error('storeBackends lists the embedded store second');

let store: Store;
let close: () => Promise<void>;
let bus: Bus;
let server: FastifyInstance;
let base: string;
let browser: Browser;
const organisationId = randomUUID();

beforeAll(async () => {
  ({ store, close } = await embedded.open());
  bus = await createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log: quietLog });
  server = await createServer({
    config: loadConfig({ AGENTS_DIR: agentsDir }),
    bus,
    store,
    log: quietLog,
    metrics: createMetrics({ defaultMetrics: false }),
    clock: () => now,
    marketplace: { freshMs: 0, activityPollMs: 100 },
  });
  base = await server.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  // The embedded database migrates from scratch: slow on a busy machine.
}, 180_000);
afterAll(async () => {
  await browser.close();
  await server.close();
  await bus.close();
  await close();
});

/** The page passes axe and looks as its committed screenshot does. */
async function check(page: Page, name: string): Promise<void> {
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(await screenshotDifference(page, screenshot(`marketplace-${name}.png`))).toBeUndefined();
}

const event = (type: string, data: Record<string, unknown>, time: string): CloudEvent => ({
  ...createEvent({ type, source: 'test', data }),
  time,
});

async function completed(agentId: string, summary: string, endedAgo: number, stars?: number) {
  const ids = { taskId: randomUUID(), organisationId, agentId };
  await bus.publish(event('customer.task.started', ids, minutesAgo(endedAgo + 4)));
  await bus.publish(
    event(
      'customer.task.completed',
      {
        ...ids,
        taskType: `${agentId}.audit`,
        deliverables: [{ name: 'audit.md', mediaType: 'text/markdown', encoding: 'utf8', content: '# Audit' }],
        summary,
      },
      minutesAgo(endedAgo),
    ),
  );
  if (stars !== undefined) await bus.publish(event('customer.task.rated', { ...ids, stars }, minutesAgo(endedAgo)));
}

// Debian's chromium (CI installs it). Never skipped: a missing browser fails.
describe('a visitor in the marketplace', () => {
  it('browses, filters by industry, searches and opens a profile', { timeout: 120_000 }, async () => {
    // axe's own script is let in for the checks; the pages' CSP is tested in the next case.
    const context = await browser.newContext({
      bypassCSP: true,
      viewport: { width: 1000, height: 800 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'AI agents for your business' }).waitFor();
    expect(await page.getByRole('heading', { level: 3 }).allInnerTexts()).toEqual([
      'Brand Voice',
      'Deal Desk',
      'SEO Sage',
      'Tutor Tara',
    ]);
    await check(page, 'home');

    await page.getByLabel('Industry').selectOption('Healthcare');
    await page.getByRole('button', { name: 'Show agents' }).click();
    await page.getByRole('heading', { name: '2 agents' }).waitFor();
    expect(new URL(page.url()).searchParams.get('industry')).toBe('Healthcare');
    expect(await page.getByRole('heading', { level: 3 }).allInnerTexts()).toEqual(['Brand Voice', 'Tutor Tara']);
    await check(page, 'filtered');

    await page.getByLabel('Industry').selectOption('');
    await page.getByLabel('Search').fill('outreach');
    await page.getByRole('button', { name: 'Show agents' }).click();
    await page.getByRole('heading', { name: '1 agent', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Deal Desk' }).click();
    await page.getByRole('heading', { name: 'Deal Desk', level: 1 }).waitFor();
    expect(await page.getByRole('definition').allInnerTexts()).toEqual([
      'New (fewer than 5 ratings yet)',
      'New\nfewer than 5 subscriptions have come up for renewal',
      'New\nfewer than 5 tasks done yet',
      '0',
    ]);
    await check(page, 'profile-new');
    await context.close();
  });

  it('sees the figures once agents report their work, and new work arrive live', { timeout: 120_000 }, async () => {
    for (const [i, stars] of [5, 4, 5, 5, 4].entries())
      await completed('seo-sage', `audited a product page for an E-commerce business (${i + 1})`, 50 - i * 10, stars);
    await eventuallyPasses(async () =>
      expect((await server.inject({ url: '/api/agents/seo-sage' })).json()).toMatchObject({
        figures: { rating: { mean: 4.6, count: 5 } },
      }),
    );

    const context = await browser.newContext({
      bypassCSP: true,
      viewport: { width: 1000, height: 800 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    await page.goto(`${base}/agents/seo-sage`);
    await page.getByRole('heading', { name: 'SEO Sage', level: 1 }).waitFor();
    expect((await page.getByRole('definition').first().textContent())?.replace(/\s+/g, ' ')).toBe(
      '★ 4.6 out of 5 (5 ratings)',
    );
    expect(await page.locator('#activity li').first().innerText()).toBe(
      'audited a product page for an E-commerce business (5) 10 min ago',
    );
    await check(page, 'profile-figures');
    await context.close();

    // The pages' own CSP in force: the feed's script loads from this origin and follows the stream.
    const strict = await browser.newContext();
    const live = await strict.newPage();
    const refused: string[] = [];
    live.on('console', (message) => {
      if (message.type() === 'error') refused.push(message.text());
    });
    await live.goto(`${base}/agents/seo-sage`);
    await live.locator('#activity li').nth(4).waitFor();
    await completed('seo-sage', 'planned keywords for a <b>B2B SaaS</b> company', 0);
    await live.locator('#activity li', { hasText: 'planned keywords for a <b>B2B SaaS</b> company' }).waitFor();
    expect(await live.locator('#activity li').count()).toBe(6);
    expect(await live.locator('#activity b').count()).toBe(0);
    expect(refused).toEqual([]);
    await strict.close();
  });

  it('filters and searches with JavaScript off: plain GET forms', async () => {
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const page = await noScript.newPage();
    await page.goto(`${base}/agents`);
    await page.getByLabel('Skill').selectOption('seo');
    await page.getByLabel('Sort by').selectOption('price');
    await page.getByRole('button', { name: 'Show agents' }).click();
    await page.getByRole('heading', { name: '2 agents' }).waitFor();
    expect(await page.getByRole('heading', { level: 3 }).allInnerTexts()).toEqual(['Brand Voice', 'SEO Sage']);
    await noScript.close();
  });
});
