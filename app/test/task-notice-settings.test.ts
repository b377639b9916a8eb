import { randomBytes, randomUUID } from 'node:crypto';
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
import { accountSettings } from '#domains/commerce';
import { tokenIn } from '#domains/commerce/testing';
import { requestTask } from '#domains/customer';
import { openWebhookSecret, storedWebhookSecret, supportSettings, webhookUrlProblem } from '#domains/support';
import { createServer } from '../server/create-server.ts';
import { storeBackends } from '../../test/support/test-stores.ts';
import { InjectBrowser, startSmtpSink, type SmtpSink } from '../../test/support/account-clients.ts';

// The organisation's page, where each member chooses which task outcomes they are mailed
// about and an owner sets the webhook they are posted to (its secret shown once, stored sealed).
const log = createLogger('silent');
const password = 'correct horse battery staple';
const secretsKey = randomBytes(32).toString('base64');

let store: Store;
let closeStore: () => Promise<void>;
let bus: Bus;
let sink: SmtpSink;
let server: FastifyInstance;

beforeAll(async () => {
  const postgres = storeBackends('task-notice-settings').find((b) => b.name === 'PostgreSQL');
  if (postgres === undefined) throw new Error('no PostgreSQL backend');
  ({ store, close: closeStore } = await postgres.open());
  bus = await createBus({
    streamMaxLen: 1000,
    defaults: { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 },
    log,
  });
  sink = await startSmtpSink();
  server = await createServer({
    config: loadConfig({}),
    bus,
    store,
    log,
    metrics: createMetrics({ defaultMetrics: false }),
    support: readSharedSettings(supportSettings, { SMTP_URL: sink.url, SUPPORT_SECRETS_KEY: secretsKey }),
    accounts: readSharedSettings(accountSettings, { ACCOUNTS_MAIL_PER_IP: '1000' }),
  });
});
afterAll(async () => {
  await server.close();
  await bus.close();
  await sink.close();
  await closeStore();
});

/** Signs up (a new organisation), verifies by the mailed link; the browser and the organisation's slug. */
async function signedUp(email: string, organisation: string) {
  const browser = new InjectBrowser(server);
  await browser.get('/signup');
  await browser.post('/signup', { name: email.split('@')[0] ?? 'x', email, password, organisation });
  const token = tokenIn((await sink.next(email)).text, '/verify-email');
  await browser.get(`/verify-email?token=${encodeURIComponent(token)}`);
  await browser.post('/verify-email', { token });
  const slug = /href="\/orgs\/([^"]+)"/.exec((await browser.get('/account')).body)?.[1] ?? '';
  return { browser, slug };
}

const webhookOf = async (slug: string) =>
  (
    await store.query<{
      id: string;
      webhook_url: string | null;
      webhook_secret: string | null;
      webhook_secret_key_id: string | null;
      webhook_secret_sealed: Buffer | null;
    }>(
      'select id, webhook_url, webhook_secret, webhook_secret_key_id, webhook_secret_sealed from support_customers where slug = $1',
      [slug],
    )
  ).rows[0];

describe('task notices on the organisation page', () => {
  it('Given an owner, when they set a webhook, then its secret is shown once and stored only sealed; removing it clears it', async () => {
    const suffix = randomUUID().slice(0, 8);
    const { browser, slug } = await signedUp(`owner-${suffix}@example.com`, `Hooks ${suffix}`);
    const page = await browser.get(`/orgs/${slug}`);
    expect(page.body).toContain('No webhook: task outcomes are mailed only.');
    const saved = await browser.post(`/orgs/${slug}/webhook`, { webhookUrl: 'https://hooks.example.com/waooaw' });
    expect(saved.statusCode).toBe(200);
    const shown = /<code>(whsec_[A-Za-z0-9_-]+)<\/code>/.exec(saved.body)?.[1];
    expect(shown).toBeDefined();
    const row = await webhookOf(slug);
    expect(row?.webhook_url).toBe('https://hooks.example.com/waooaw');
    expect(row?.webhook_secret).toBeNull();
    const stored = row === undefined ? null : storedWebhookSecret(row);
    expect(stored === null ? null : openWebhookSecret(stored, row?.id ?? '', Buffer.from(secretsKey, 'base64'))).toBe(
      shown,
    );
    // Never again: the page read later names the URL only.
    const later = await browser.get(`/orgs/${slug}`);
    expect(later.body).toContain('<code>https://hooks.example.com/waooaw</code>');
    expect(later.body).not.toContain(shown);

    const removed = await browser.post(`/orgs/${slug}/webhook/remove`, {});
    expect(removed.headers.location).toBe(`/orgs/${slug}?notice=webhook-removed`);
    expect(await webhookOf(slug)).toMatchObject({ webhook_url: null, webhook_secret_sealed: null });
  });

  it('refuses a webhook URL the platform must not post to, saying why on the form', async () => {
    const suffix = randomUUID().slice(0, 8);
    const { browser, slug } = await signedUp(`refused-${suffix}@example.com`, `Refused ${suffix}`);
    await browser.get(`/orgs/${slug}`);
    const refused = await browser.post(`/orgs/${slug}/webhook`, { webhookUrl: 'http://169.254.169.254/latest' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('expected an https:// URL');
    expect(refused.body).toContain('aria-invalid="true"');
    expect(refused.body).toContain('value="http://169.254.169.254/latest"');
    expect((await webhookOf(slug))?.webhook_url).toBeNull();
    const cases: [string, string | undefined][] = [
      ['https://hooks.example.com/x', undefined],
      ['https://127.0.0.1/x', 'expected a host name, not an IP address'],
      ['https://[::1]/x', 'expected a host name, not an IP address'],
      ['https://localhost/x', 'expected a public host name'],
      ['https://metadata.internal/x', 'expected a public host name'],
      ['https://user:pw@hooks.example.com/x', 'expected no user or password in it'],
      ['javascript:alert(1)', 'expected an https:// URL'],
      ['not a url', 'expected a URL, e.g. https://example.com/hooks/waooaw'],
      [`https://hooks.example.com/${'a'.repeat(2000)}`, 'must be at most 2000 characters'],
    ];
    expect(cases.map(([url]) => webhookUrlProblem(url))).toEqual(cases.map(([, problem]) => problem));
  });

  it('Given a member who is not an owner, when they choose their task notices, then it is saved; the webhook is not theirs to set', async () => {
    const suffix = randomUUID().slice(0, 8);
    const owner = await signedUp(`own-${suffix}@example.com`, `Team ${suffix}`);
    const member = await signedUp(`mem-${suffix}@example.com`, `Own ${suffix}`);
    const org = await webhookOf(owner.slug);
    const memberId = (
      await store.query<{ id: string }>('select id from commerce_users where email = $1', [`mem-${suffix}@example.com`])
    ).rows[0]?.id;
    await store.query(`insert into commerce_memberships (organisation_id, user_id, role) values ($1, $2, 'member')`, [
      org?.id,
      memberId,
    ]);
    const page = await member.browser.get(`/orgs/${owner.slug}`);
    expect(page.body).toContain('id="notices-mine" name="choice" value="mine" checked');
    expect(page.body).not.toContain('Webhook URL');
    const chose = await member.browser.post(`/orgs/${owner.slug}/task-notices`, { choice: 'all' });
    expect(chose.headers.location).toBe(`/orgs/${owner.slug}?notice=notices`);
    const again = await member.browser.get(`/orgs/${owner.slug}?notice=notices`);
    expect(again.body).toContain('Your choice of task notices is saved.');
    expect(again.body).toContain('id="notices-all" name="choice" value="all" checked');
    const odd = await member.browser.post(`/orgs/${owner.slug}/task-notices`, { choice: '<script>' });
    expect(odd.statusCode).toBe(422);
    expect(odd.body).toContain('Choose which tasks you hear of: one of mine, all, none.');
    const hook = await member.browser.post(`/orgs/${owner.slug}/webhook`, { webhookUrl: 'https://evil.example.com/' });
    expect(hook.statusCode).toBe(403);
    expect((await webhookOf(owner.slug))?.webhook_url).toBeNull();
  });

  it('Given a task sent by a signed-in member, then they are its requester, whom its notices reach by default', async () => {
    const suffix = randomUUID().slice(0, 8);
    const { slug } = await signedUp(`req-${suffix}@example.com`, `Req ${suffix}`);
    const org = await webhookOf(slug);
    const userId = (
      await store.query<{ id: string }>('select id from commerce_users where email = $1', [`req-${suffix}@example.com`])
    ).rows[0]?.id;
    const answer = await requestTask(store, {
      organisation: { id: org?.id ?? '', slug },
      requestedBy: userId,
      agentId: 'seo',
      agent: {
        id: 'seo',
        tasks: {
          'seo.audit': {
            title: 'Audit',
            description: 'An audit.',
            input: { type: 'object', properties: {} },
            minutesSaved: 5,
          },
        },
      },
      idempotencyKey: undefined,
      body: { type: 'seo.audit', input: {} },
      entitled: () => Promise.resolve({ ok: true, via: 'trial' }),
      now: new Date(),
    });
    const requesters = await store.query('select user_id from customer_task_requesters where task_id = $1', [
      answer.task.id,
    ]);
    expect(requesters.rows).toEqual([{ user_id: userId }]);
  });
});
