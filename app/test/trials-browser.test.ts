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
import { supportSettings } from '#domains/support';
import { accountSettings } from '#domains/commerce';
import { tokenIn } from '#domains/commerce/testing';
import { createServer } from '../server/create-server.ts';
import { storeBackends } from '../../test/support/test-stores.ts';
import { startSmtpSink, type SmtpSink } from '../../test/support/account-clients.ts';
import { accessibilityViolations, launchChromium, screenshotDifference } from '../../test/support/browser.ts';

const log = createLogger('silent');
const busDefaults = { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 };
const screenshot = (name: string) => fileURLToPath(new URL(`screenshots/${name}`, import.meta.url));
const agentsDir = fileURLToPath(new URL('../../domains/commerce/test/fixtures/trial-agents', import.meta.url));

let store: Store;
let closeStore: () => Promise<void>;
let bus: Bus;
let sink: SmtpSink;
let server: FastifyInstance;
let base: string;
let browser: Browser;

beforeAll(async () => {
  const postgres = storeBackends('trials-browser').find((b) => b.name === 'PostgreSQL');
  if (postgres === undefined) throw new Error('no PostgreSQL backend');
  ({ store, close: closeStore } = await postgres.open());
  bus = await createBus({ streamMaxLen: 1000, defaults: busDefaults, log });
  sink = await startSmtpSink();
  server = await createServer({
    config: loadConfig({ AGENTS_DIR: agentsDir }),
    bus,
    store,
    log,
    metrics: createMetrics({ defaultMetrics: false }),
    support: readSharedSettings(supportSettings, { SMTP_URL: sink.url }),
    accounts: readSharedSettings(accountSettings, {}),
    // Pinned, so the pages' dates and the screenshots stay the same.
    clock: () => new Date('2026-12-01T09:00:00Z'),
  });
  base = await server.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
  await server.close();
  await bus.close();
  await sink.close();
  await closeStore();
});

/** The page passes axe and looks as its committed screenshot does. */
async function check(page: Page, name: string): Promise<void> {
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(await screenshotDifference(page, screenshot(`trials-${name}.png`))).toBeUndefined();
}

// Debian's chromium (CI installs it). Never skipped: a missing browser fails.
describe('a free trial in a browser', () => {
  it(
    'signs in on the way, answers the questionnaire, fixes what it says, and sees the trial',
    { timeout: 120_000 },
    async () => {
      // The pages allow no script; only axe's own is let in, for the checks.
      const context = await browser.newContext({
        bypassCSP: true,
        viewport: { width: 900, height: 700 },
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      await page.goto(`${base}/signup`);
      await page.getByLabel('Your name').fill('Ada Lovelace');
      await page.getByLabel('Email address').fill('ada@example.com');
      await page.getByLabel('Password').fill('correct horse battery staple');
      await page.getByLabel('Organisation name').fill('Pune Books');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();
      const verification = await sink.next('ada@example.com');
      await page.goto(`${base}/verify-email?token=${encodeURIComponent(tokenIn(verification.text, '/verify-email'))}`);
      await page.getByRole('button', { name: 'Verify my address' }).click();
      await page.getByRole('heading', { name: 'Your account' }).waitFor();

      await page.goto(`${base}/agents/seo/trial`);
      await page.getByRole('heading', { name: 'Start your free trial of SEO Specialist' }).waitFor();
      await check(page, 'form');
      await page.getByLabel('Your industry').fill('Independent bookshops');
      await page.getByRole('button', { name: 'Start free trial' }).click();
      await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
      await check(page, 'form-errors');
      expect(await page.getByLabel('Your industry').inputValue()).toBe('Independent bookshops');

      await page.getByLabel('Your goals').fill('More visitors from search to our author events.');
      await page.getByLabel('Your audience').fill('Readers in Pune');
      await page.getByLabel('Your tone').fill('Warm and plain');
      await page.getByLabel('What a good result looks like').fill('A list of fixes we can make this week.');
      await page.getByRole('button', { name: 'Start free trial' }).click();
      await page.getByRole('heading', { name: 'Your free trial of SEO Specialist' }).waitFor();
      expect(await page.getByRole('status').innerText()).toContain('Your free trial has started.');
      await check(page, 'started');
      await context.close();
    },
  );
});
