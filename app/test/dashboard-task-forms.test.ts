import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createLogger, createMetrics, loadConfig, type Bus, type Store } from '#platform';
import {
  createManualPayments,
  createSession,
  loadPricing,
  organisationsOf,
  signUp,
  verifyEmail,
} from '#domains/commerce';
import { tokenIn } from '#domains/commerce/testing';
import { getTask, listTasks, type Entitlement } from '#domains/customer';
import { createServer } from '../server/create-server.ts';
import { storeBackends } from '../../test/support/test-stores.ts';
import { InjectBrowser } from '../../test/support/account-clients.ts';
import { inWords } from '../dashboard/task-form.ts';

// The agent page's forms: a task per type generated from its input schema, and a rating of
// each done task, sent with the accounts' session and CSRF token as the dashboard's other forms.
const log = createLogger('silent');
const now = new Date('2026-12-01T09:00:00Z');
const link = { now, publicUrl: 'http://localhost:3000', ttlSeconds: 3600 };
const agentsDir = fileURLToPath(new URL('fixtures/task-form-agents', import.meta.url));
const agents = new Map([['page-pal', { id: 'page-pal', priceTier: 'standard' as const, name: 'Page Pal' }]]);
const hostile = '<script>alert(1)</script>"\'&';

describe.each(storeBackends('dashboard-tasks'))('the dashboard task forms on $name', (backend) => {
  let store: Store;
  let closeStore: () => Promise<void>;
  let bus: Bus;
  let server: FastifyInstance;
  const entitledOrgs = new Set<string>();
  // Each backend's people have addresses of their own.
  const tag = backend.name.replace(/[^a-z]/gi, '').toLowerCase();

  beforeAll(async () => {
    ({ store, close: closeStore } = await backend.open());
    bus = await createBus({
      streamMaxLen: 1000,
      defaults: { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 },
      log,
    });
    const entitled: Entitlement = (organisationId) =>
      Promise.resolve(
        entitledOrgs.has(organisationId)
          ? { ok: true, via: 'trial' }
          : { ok: false, reason: 'the trial of Page Pal ended', action: 'Subscribe at /agents/page-pal.' },
      );
    server = await createServer({
      config: loadConfig({ AGENTS_DIR: agentsDir }),
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
      entitled,
      trialTickSeconds: 0,
    });
  });
  afterAll(async () => {
    await server.close();
    await bus.close();
    await closeStore();
  });

  /** A verified person signed in, with an organisation that has a trial of Page Pal (so the agent is on its dashboard). */
  async function person(email: string, organisation: string, entitled = true) {
    const { mail } = await signUp(store, { name: 'Ada', email, password: 'correct horse battery', organisation }, link);
    const user = await verifyEmail(store, tokenIn(mail.body, '/verify-email'), now);
    const { secret } = await createSession(store, { userId: user.id }, { now, ttlSeconds: 3600 });
    const browser = new InjectBrowser(server);
    browser.cookies.set('wow_session', secret);
    const [org] = await organisationsOf(store, user.id);
    if (org === undefined) throw new Error('no organisation');
    await store.query(
      `insert into commerce_trials (id, organisation_id, agent_id, started_at, ends_at, industry, goals, audience, tone, good_result)
       values ($1, $2, 'page-pal', $3, $4, 'Books', 'More readers', 'Pune', 'Warm', 'Fixes')`,
      [randomUUID(), org.id, new Date(now.getTime() - 86_400_000), new Date(now.getTime() + 6 * 86_400_000)],
    );
    if (entitled) entitledOrgs.add(org.id);
    return { browser, org, page: `/dashboard/agents/page-pal?organisation=${org.slug}` };
  }

  /** The hidden nonce of the page's task form. */
  const nonceIn = (body: string) => /name="nonce" value="([^"]+)"/.exec(body)?.[1] ?? '';

  it('generates the form from the schema, sends one task for a double submit, and refreshes while it runs', async () => {
    const { browser, org, page } = await person(`forms-${tag}@acme.example`, 'Acme');
    const form = await browser.get(page);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('action="/dashboard/agents/page-pal/tasks"');
    expect(form.body).toMatch(
      /<textarea id="task-page-pal-audit-html" name="input.html" required [^>]*minlength="1" maxlength="200000"/,
    );
    expect(form.body).toMatch(
      /<input type="text" id="task-page-pal-audit-keyword" name="input.keyword" [^>]*minlength="2" maxlength="80"/,
    );
    expect(form.body).toMatch(
      /<input type="number" id="task-page-pal-audit-depth" name="input.depth" required [^>]*step="1" min="1" max="5"/,
    );
    expect(form.body).toMatch(
      /<select id="task-page-pal-audit-tone" name="input.tone"><option value="">\(none\)<\/option><option>plain<\/option>/,
    );
    expect(form.body).toContain('<input type="checkbox" id="task-page-pal-audit-strict" name="input.strict">');
    // Labels in words: the schema's title, or the property's name with its acronyms as people write them.
    expect(form.body).toContain('<label for="task-page-pal-audit-html">HTML</label>');
    expect(form.body).toContain('<label for="task-page-pal-audit-keyword">Keyword (optional)</label>');
    expect(form.body).toContain('<label for="task-page-pal-audit-depth">How many links deep</label>');
    expect(form.body).not.toContain('http-equiv="refresh"');

    const fields = {
      organisation: org.slug,
      type: 'page-pal.audit',
      nonce: nonceIn(form.body),
      'input.html': `<h1>${hostile}</h1>`,
      'input.keyword': '',
      'input.depth': '3',
      'input.tone': 'formal',
      'input.strict': 'on',
    };
    const sent = await browser.post('/dashboard/agents/page-pal/tasks', fields);
    expect(sent.statusCode, sent.body).toBe(303);
    expect(sent.headers.location).toBe(`/dashboard/agents/page-pal?organisation=${org.slug}&notice=task`);
    // The same form sent twice (a double click): its nonce is the Idempotency-Key.
    expect((await browser.post('/dashboard/agents/page-pal/tasks', fields)).statusCode).toBe(303);
    const tasks = await listTasks(store, org.id);
    expect(tasks).toHaveLength(1);
    const task = await getTask(store, org.id, tasks[0]?.id ?? '');
    expect(task.state).toBe('queued');

    const after = await browser.get(sent.headers.location as string);
    expect(after.body).toContain('The task is sent.');
    expect(after.body).toContain('<meta http-equiv="refresh" content="3">');
    expect(after.body).toContain('Queued');
    // The customer may turn the reload off (WCAG 2.2.1).
    expect(after.body).toContain(
      `href="/dashboard/agents/page-pal?organisation=${org.slug}&amp;reload=off">Stop reloading</a>`,
    );
    const still = await browser.get(`${page}&reload=off`);
    expect(still.body).not.toContain('http-equiv="refresh"');
    expect(still.body).toContain('Queued');
    // A fresh form: a second audit is a second task.
    expect(nonceIn(after.body)).not.toBe(fields.nonce);
  });

  it('re-renders the form with each field problem, escaped, and sends nothing', async () => {
    const { browser, org, page } = await person(`problems-${tag}@acme.example`, 'Bad Inputs');
    const form = await browser.get(page);
    const res = await browser.post('/dashboard/agents/page-pal/tasks', {
      organisation: org.slug,
      type: 'page-pal.audit',
      nonce: nonceIn(form.body),
      'input.html': '',
      'input.keyword': hostile,
      'input.depth': 'nine',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('<title>Error: Page Pal – tasks – WAOOAW</title>');
    expect(res.body).toContain('href="#task-page-pal-audit-html"');
    expect(res.body).toContain('id="task-page-pal-audit-depth-error"');
    expect(res.body).toMatch(/id="task-page-pal-audit-depth"[^>]*aria-invalid="true"[^>]*value="nine"/);
    expect(res.body).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"');
    expect(res.body).not.toContain('<script>alert(1)');
    expect(await listTasks(store, org.id)).toHaveLength(0);
  });

  it('refuses a task without entitlement, without a CSRF token, and for another organisation', async () => {
    const lapsed = await person(`lapsed-${tag}@acme.example`, 'Lapsed', false);
    const form = await lapsed.browser.get(lapsed.page);
    const body = {
      organisation: lapsed.org.slug,
      type: 'page-pal.audit',
      nonce: nonceIn(form.body),
      'input.html': '<p>x</p>',
      'input.depth': '1',
    };
    const refused = await lapsed.browser.post('/dashboard/agents/page-pal/tasks', body);
    expect(refused.statusCode).toBe(402);
    expect(refused.body).toContain('Subscribe at /agents/page-pal.');
    expect((await lapsed.browser.post('/dashboard/agents/page-pal/tasks', body, null)).statusCode).toBe(403);

    const other = await person(`other-${tag}@acme.example`, 'Other Org');
    await other.browser.get(other.page);
    // Not a member of the organisation named: as if it did not exist.
    const foreign = await other.browser.post('/dashboard/agents/page-pal/tasks', body);
    expect(foreign.statusCode).toBe(404);
    expect(await listTasks(store, lapsed.org.id)).toHaveLength(0);
  });

  it('rates a done task 1–5, shows the rating, and refuses another organisation and a bad value', async () => {
    const { browser, org, page } = await person(`rate-${tag}@acme.example`, 'Raters');
    const id = randomUUID();
    await store.query(
      `insert into customer_tasks (id, organisation_id, agent_id, task_type, input, state, request_sha256, created_at, started_at, finished_at, summary)
       values ($1, $2, 'page-pal', 'page-pal.audit', '{}', 'done', 'x', $3, $3, $3, $4)`,
      [id, org.id, now, hostile],
    );
    const shown = await browser.get(page);
    expect(shown.body).toContain(`action="/dashboard/tasks/${id}/rating"`);
    expect(shown.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(shown.body).not.toContain('<script>alert(1)');

    const rated = await browser.post(`/dashboard/tasks/${id}/rating`, { organisation: org.slug, stars: '4' });
    expect(rated.statusCode).toBe(303);
    expect(rated.headers.location).toBe(`/dashboard/agents/page-pal?organisation=${org.slug}&notice=rated`);
    const again = await browser.get(rated.headers.location as string);
    expect(again.body).toContain('your rating is saved');
    expect(again.body).toContain('<td class="num">4<form');
    expect(again.body).toContain('<option value="4" selected>4 of 5</option>');
    expect((await getTask(store, org.id, id)).rating).toBe(4);

    expect(
      (await browser.post(`/dashboard/tasks/${id}/rating`, { organisation: org.slug, stars: '6' })).statusCode,
    ).toBe(422);
    const other = await person(`rate-other-${tag}@acme.example`, 'Other Raters');
    await other.browser.get(other.page);
    const foreign = await other.browser.post(`/dashboard/tasks/${id}/rating`, {
      organisation: other.org.slug,
      stars: '1',
    });
    expect(foreign.statusCode).toBe(404);
    expect((await getTask(store, org.id, id)).rating).toBe(4);
  });
});

describe("a task form's labels", () => {
  it("say a property's name in words, with the acronyms people write in capitals", () => {
    expect(['pageUrl', 'exam_date', 'csvRows', 'HTML', 'ics-file', 'jobDescription', 'x'].map(inWords)).toEqual([
      'Page URL',
      'Exam date',
      'CSV rows',
      'HTML',
      'ICS file',
      'Job description',
      'X',
    ]);
  });
});
