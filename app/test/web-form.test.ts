import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../server/create-server.ts';
import {
  createBus,
  createLogger,
  createMetrics,
  createStore,
  loadConfig,
  migrate,
  type Bus,
  type Store,
} from '#platform';
import { findTicket, ticketMessages } from '#domains/support';
import { accessibilityViolations, launchChromium, screenshotDifference } from '../../test/support/browser.ts';
import { testDatabaseUrl, uniqueName } from '../../test/support/servers.ts';

const log = createLogger('silent');
const busDefaults = { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 };

let store: Store;
let bus: Bus;
let server: FastifyInstance;
const schema = uniqueName('webform');

beforeAll(async () => {
  store = await createStore({ url: testDatabaseUrl, dataDir: '.data', poolMax: 2, schema, log });
  await migrate(store, { log });
  bus = await createBus({ streamMaxLen: 1000, defaults: busDefaults, log });
  server = await createServer({
    config: loadConfig({}),
    bus,
    store,
    log,
    metrics: createMetrics({ defaultMetrics: false }),
  });
});
afterAll(async () => {
  await server.close();
  await bus.close();
  await store.close();
  const c = new pg.Client({ connectionString: testDatabaseUrl });
  await c.connect();
  await c.query(`drop schema if exists ${schema} cascade`);
  await c.end();
});

const form = (fields: Record<string, string>) =>
  server.inject({
    method: 'POST',
    url: '/support',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
const referenceIn = (page: string) => /id="ticket-reference">([0-9a-f-]{36})</.exec(page)?.[1];

describe('the support web form over HTTP', () => {
  it('serves a labelled form that posts back to /support, with a fresh submission id each time', async () => {
    const res = await server.inject({ method: 'GET', url: '/support' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    for (const name of ['email', 'subject', 'message'])
      expect(res.body).toMatch(new RegExp(`<label for="${name}">[\\s\\S]*id="${name}" name="${name}"`));
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain('<form method="post" action="/support" novalidate>');
    const other = await server.inject({ method: 'GET', url: '/support' });
    const submission = (page: string) => /name="submission" value="([^"]+)"/.exec(page)?.[1];
    expect(submission(res.body)).not.toBe(submission(other.body));
  });

  it('opens a web ticket and shows its reference; the same submission posted twice is one ticket', async () => {
    const submission =
      /name="submission" value="([^"]+)"/.exec((await server.inject({ method: 'GET', url: '/support' })).body)?.[1] ??
      '';
    const fields = {
      email: 'ada@example.com',
      name: 'Ada',
      subject: 'Cannot log in',
      message: 'The login page says 500.',
      submission,
    };
    const res = await form(fields);
    expect(res.statusCode).toBe(201);
    const id = referenceIn(res.body);
    expect(id).toBeDefined();
    expect(await findTicket(store, id ?? '')).toMatchObject({
      channel: 'web',
      subject: 'Cannot log in',
      customerId: null,
      requester: { email: 'ada@example.com', name: 'Ada' },
    });
    const again = await form(fields);
    expect(referenceIn(again.body)).toBe(id);
    expect(await ticketMessages(store, id ?? '')).toHaveLength(1);
  });

  it("shows the form again with each field's problem and what was typed, escaped, and writes nothing", async () => {
    const before = (await store.query<{ n: number }>('select count(*)::int as n from support_tickets')).rows[0]?.n;
    const res = await form({
      email: 'not-an-email',
      subject: '<script>alert(1)</script>',
      message: '   ',
      submission: crypto.randomUUID(),
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('<title>Error: Contact support</title>');
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain('<a href="#email">Enter an email address like name@example.com</a>');
    expect(res.body).toContain('<a href="#message">Describe the problem</a>');
    expect(res.body).toMatch(
      /id="email" name="email"[^>]* aria-invalid="true" aria-describedby="email-hint email-error"[^>]* value="not-an-email">/,
    );
    expect(res.body).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(res.body).not.toContain('<script>');
    expect((await store.query<{ n: number }>('select count(*)::int as n from support_tickets')).rows[0]?.n).toBe(
      before,
    );
  });

  it('escapes what a person typed on the confirmation page too', async () => {
    const res = await form({ email: 'eve@example.com', subject: '"><img src=x onerror=alert(1)>', message: 'Hi' });
    expect(res.statusCode).toBe(201);
    expect(res.body).toContain('Subject: &quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(res.body).not.toContain('<img');
  });
});

// Debian's chromium (CI installs it: .ci/services.sh). Never skipped: a missing browser fails.
describe('the support web form in a browser', () => {
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    base = await server.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('shows a field error with the input kept, then the ticket reference once it is fixed', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/support`);
    await page.getByLabel('Your email address').fill('grace@example');
    await page.getByLabel('Subject').fill('Export is empty');
    await page.getByLabel('Message').fill('The CSV export has only a header row.');
    await page.getByRole('button', { name: 'Send' }).click();

    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    const email = page.getByLabel('Your email address');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#email-error').innerText()).toContain('Enter an email address like name@example.com');
    expect(await page.getByRole('alert').getByRole('link').allInnerTexts()).toEqual([
      'Enter an email address like name@example.com',
    ]);
    expect(await email.inputValue()).toBe('grace@example');
    expect(await page.getByLabel('Subject').inputValue()).toBe('Export is empty');
    expect(await page.getByLabel('Message').inputValue()).toBe('The CSV export has only a header row.');

    await email.fill('grace@example.com');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'We have your request' }).waitFor();
    const reference = (await page.locator('#ticket-reference').innerText()).trim();
    expect(reference).toMatch(/^[0-9a-f-]{36}$/);
    expect(await page.locator('main').innerText()).toContain('We will answer you at grace@example.com');
    expect(await findTicket(store, reference)).toMatchObject({
      channel: 'web',
      subject: 'Export is empty',
      requester: { email: 'grace@example.com' },
    });
    await page.close();
  });

  it('works with JavaScript off: the form posts, errors and confirms as plain HTML', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/support`);
    await page.getByLabel('Your email address').fill('ada@example.com');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    await page.getByLabel('Subject').fill('No JavaScript here');
    await page.getByLabel('Message').fill('Sent from a browser with scripts off.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'We have your request' }).waitFor();
    const reference = (await page.locator('#ticket-reference').innerText()).trim();
    expect(await findTicket(store, reference)).toMatchObject({ channel: 'web', subject: 'No JavaScript here' });
    await context.close();
  });

  it('passes axe (WCAG 2.1 AA) on the form, its error page and its confirmation', async () => {
    // The pages' CSP allows no script at all; only axe's own is let in, for the test.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}/support`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByLabel('Your email address').fill('lin@example.com');
    await page.getByLabel('Subject').fill('Accessible?');
    await page.getByLabel('Message').fill('Checking the confirmation page.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'We have your request' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  });

  it('the accessibility check finds what it should: an image without a text alternative', async () => {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html lang="en"><title>t</title><main><img src="data:,"></main></html>');
    expect(await accessibilityViolations(page)).toEqual([expect.stringMatching(/^image-alt \(critical\)/)]);
    await page.close();
  });

  it('looks as its committed screenshots do: the form and its error page', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 700 }, deviceScaleFactor: 1 });
    await page.goto(`${base}/support`);
    expect(await screenshotDifference(page, screenshot('support-form.png'))).toBeUndefined();
    await page.getByLabel('Your email address').fill('grace@example');
    await page.getByLabel('Subject').fill('Export is empty');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(await screenshotDifference(page, screenshot('support-form-errors.png'))).toBeUndefined();
    await page.close();
  });
});

const screenshot = (name: string) => fileURLToPath(new URL(`screenshots/${name}`, import.meta.url));
