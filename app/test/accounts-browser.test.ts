import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
import { createGitHubDouble } from '../../test/doubles/github-api.ts';

const log = createLogger('silent');
const busDefaults = { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 };
const screenshot = (name: string) => fileURLToPath(new URL(`screenshots/${name}`, import.meta.url));

let store: Store;
let closeStore: () => Promise<void>;
let bus: Bus;
let sink: SmtpSink;
let server: FastifyInstance;
let base: string;
let browser: Browser;
const github = createGitHubDouble();

beforeAll(async () => {
  const postgres = storeBackends('accounts-browser').find((b) => b.name === 'PostgreSQL');
  if (postgres === undefined) throw new Error('no PostgreSQL backend');
  ({ store, close: closeStore } = await postgres.open());
  bus = await createBus({ streamMaxLen: 1000, defaults: busDefaults, log });
  sink = await startSmtpSink();
  github.oauth.signedIn = 'octo-operator';
  github.teams.set('acme/waooaw-ops', ['octo-operator']);
  server = await createServer({
    config: loadConfig({}),
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
  expect(await screenshotDifference(page, screenshot(`accounts-${name}.png`))).toBeUndefined();
}

/** A mailed link opened in this browser: the link's path and token, on the server under test. */
const open = (page: Page, text: string, path: string) =>
  page.goto(`${base}${path}?token=${encodeURIComponent(tokenIn(text, path))}`);

// Debian's chromium (CI installs it). Never skipped: a missing browser fails.
describe('a customer account in a browser', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    // The pages allow no script; only axe's own is let in, for the checks.
    context = await browser.newContext({
      bypassCSP: true,
      viewport: { width: 900, height: 700 },
      deviceScaleFactor: 1,
    });
  });
  afterAll(async () => {
    await context.close();
  });

  it(
    'signs up, verifies, signs out and in, resets the password, signs in with it, and invites a member',
    { timeout: 120_000 },
    async () => {
      const page = await context.newPage();
      await page.goto(`${base}/signup`);
      await check(page, 'signup');
      await page.getByLabel('Your name').fill('Ada Lovelace');
      await page.getByLabel('Email address').fill('ada@example');
      await page.getByLabel('Password').fill('short');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
      await check(page, 'signup-errors');
      await page.getByLabel('Email address').fill('ada@example.com');
      await page.getByLabel('Password').fill('correct horse battery staple');
      await page.getByLabel('Organisation name').fill('Analytical Engines');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();
      await check(page, 'check-email');

      const verification = await sink.next('ada@example.com');
      await open(page, verification.text, '/verify-email');
      await check(page, 'verify');
      await page.getByRole('button', { name: 'Verify my address' }).click();
      await page.getByRole('heading', { name: 'Your account' }).waitFor();
      expect(await page.getByRole('status').innerText()).toContain('Your email address is verified.');
      await check(page, 'account');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(await page.getByRole('status').innerText()).toBe('You are signed out.');
      await page.getByLabel('Email address').fill('ada@example.com');
      await page.getByLabel('Password').fill('not my password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
      await check(page, 'login-failed');
      await page.getByLabel('Password').fill('correct horse battery staple');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Your account' }).waitFor();

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
      await check(page, 'reset');
      await page.getByLabel('Email address').fill('ada@example.com');
      await page.getByRole('button', { name: 'Send the link' }).click();
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();
      const reset = await sink.next('ada@example.com');
      await open(page, reset.text, '/reset-password/new');
      await check(page, 'new-password');
      await page.getByLabel('New password').fill('a whole new passphrase');
      await page.getByRole('button', { name: 'Save the new password' }).click();
      await page.getByRole('heading', { name: 'Your account' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Email address').fill('ada@example.com');
      await page.getByLabel('Password').fill('a whole new passphrase');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Your account' }).waitFor();

      await page.getByRole('link', { name: 'Analytical Engines' }).click();
      await page.getByRole('heading', { name: 'Analytical Engines' }).waitFor();
      await page.getByLabel('Their email address').fill('charles@example.com');
      await page.getByRole('button', { name: 'Send invitation' }).click();
      expect(await page.getByRole('status').innerText()).toContain('Invitation sent.');
      await check(page, 'organisation');
      const invitation = await sink.next('charles@example.com');
      expect(invitation.subject).toBe('You are invited to Analytical Engines on WAOOAW');
      await page.close();
    },
  );

  it('works with JavaScript off: signing in is plain forms and redirects', async () => {
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const page = await noScript.newPage();
    await page.goto(`${base}/login`);
    await page.getByLabel('Email address').fill('ada@example.com');
    await page.getByLabel('Password').fill('a whole new passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    expect(page.url()).toBe(`${base}/account`);
    await noScript.close();
  });
});

describe('an operator in a browser', () => {
  it('signs in with GitHub and sees the dashboard', async () => {
    const context = await browser.newContext({
      bypassCSP: true,
      viewport: { width: 900, height: 700 },
      deviceScaleFactor: 1,
    });
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
    await page.getByRole('heading', { name: 'Operator sign-in' }).waitFor();
    await check(page, 'ops-sign-in');
    await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
    await page.getByRole('heading', { name: 'Operations', level: 1 }).waitFor();
    expect(await page.locator('header').innerText()).toContain('octo-operator');
    expect(github.violations).toEqual([]);
    await context.close();
  });
});
