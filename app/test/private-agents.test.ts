import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { accountSettings, organisationsOf, type Organisation } from '#domains/commerce';
import { tokenIn } from '#domains/commerce/testing';
import { createServer } from '../server/create-server.ts';
import { storeBackends } from '../../test/support/test-stores.ts';
import { InjectBrowser, startSmtpSink, type SmtpSink } from '../../test/support/account-clients.ts';

// A custom agent (catalog.privateTo) is the asking organisation's alone: listed, shown, tried
// and hired by its signed-in members only; to anyone else it does not exist.
const log = createLogger('silent');
const busDefaults = { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 };
const fixtures = fileURLToPath(new URL('../../domains/commerce/test/fixtures/trial-agents', import.meta.url));
const trialAnswers = {
  industry: 'Clinics',
  goals: 'Fewer billing errors',
  audience: 'Our accounts team',
  tone: 'plain',
  goodResult: 'Every wrong line found',
};

const privateManifest = (organisationId: string) => `id: clinic-helper
name: Clinic Invoice Helper
version: 0.1.0
description: Checks a clinic's supplier invoices.
tier: Custom
wakesOn: [customer.task.requested]
catalog:
  avatar: '🧩'
  specialty: Invoice checks for one clinic group
  industries: [Healthcare]
  skills: [custom-work]
  priceTier: standard
  privateTo: ${organisationId}
tasks:
  clinic-helper.request:
    title: Check an invoice
    description: The lines that differ from the purchase order.
    minutesSaved: 20
    input:
      type: object
      required: [brief]
      properties:
        brief: { type: string, maxLength: 20000 }
`;

describe('custom agents are private to the organisation that asked', () => {
  let store: Store;
  let closeStore: () => Promise<void>;
  let bus: Bus;
  let sink: SmtpSink;
  let agentsDir: string;
  const servers: FastifyInstance[] = [];

  const serve = async (dir: string) => {
    const server = await createServer({
      config: loadConfig({ AGENTS_DIR: dir }),
      bus,
      store,
      log,
      metrics: createMetrics({ defaultMetrics: false }),
      support: readSharedSettings(supportSettings, { SMTP_URL: sink.url }),
      accounts: readSharedSettings(accountSettings, { ACCOUNTS_MAIL_PER_IP: '1000' }),
      marketplace: { freshMs: 0, activityPollMs: 50 },
    });
    servers.push(server);
    return server;
  };

  let clinic: { browser: InjectBrowser; org: Organisation };
  let other: { browser: InjectBrowser; org: Organisation };
  let server: FastifyInstance;

  beforeAll(async () => {
    const postgres = storeBackends('private-agents').find((b) => b.name === 'PostgreSQL');
    if (postgres === undefined) throw new Error('no PostgreSQL backend');
    ({ store, close: closeStore } = await postgres.open());
    bus = await createBus({ streamMaxLen: 1000, defaults: busDefaults, log });
    sink = await startSmtpSink();
    // The organisations first (their ids are the manifests'), then the server that lists the custom agent.
    const first = await serve(fixtures);
    const signedUp = async (email: string, organisation: string) => {
      const browser = new InjectBrowser(first);
      await browser.get('/signup');
      await browser.post('/signup', { name: 'Member', email, password: 'correct horse battery staple', organisation });
      await browser.post('/verify-email', { token: tokenIn((await sink.next(email)).text, '/verify-email') });
      const user = await store.query<{ id: string }>('select id from commerce_users where email = $1', [email]);
      const [org] = await organisationsOf(store, user.rows[0]?.id ?? '');
      if (org === undefined) throw new Error('no organisation');
      return { browser, org };
    };
    clinic = await signedUp('clinic@example.com', 'Pune Clinics');
    other = await signedUp('other@example.com', 'Other Org');
    agentsDir = await mkdtemp(join(tmpdir(), 'private-agents-'));
    await cp(fixtures, agentsDir, { recursive: true });
    await mkdir(join(agentsDir, 'clinic-helper'));
    await writeFile(join(agentsDir, 'clinic-helper', 'agent.yml'), privateManifest(clinic.org.id));
    server = await serve(agentsDir);
    // The same sessions, on the server with the custom agent.
    for (const who of [clinic, other]) {
      const moved = new InjectBrowser(server);
      for (const [k, v] of who.browser.cookies) moved.cookies.set(k, v);
      who.browser = moved;
    }
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await bus.close();
    await sink.close();
    await closeStore();
    await rm(agentsDir, { recursive: true, force: true });
  });

  it('lists and shows it to the organisation, and to no one else', async () => {
    const ids = async (res: { json: () => unknown; body: string }) =>
      (res.json() as { agents?: { id: string }[] }).agents?.map((a) => a.id) ?? [res.body];
    expect(await ids(await clinic.browser.get('/api/catalog'))).toContain('clinic-helper');
    expect(await ids(await other.browser.get('/api/catalog'))).not.toContain('clinic-helper');
    expect(await ids(await server.inject({ method: 'GET', url: '/api/catalog' }))).not.toContain('clinic-helper');

    expect((await clinic.browser.get('/agents')).body).toContain('Clinic Invoice Helper');
    expect((await other.browser.get('/agents')).body).not.toContain('Clinic Invoice Helper');
    expect((await clinic.browser.get('/agents/clinic-helper')).statusCode).toBe(200);
    for (const res of [
      await other.browser.get('/agents/clinic-helper'),
      await server.inject({ method: 'GET', url: '/agents/clinic-helper' }),
      await other.browser.get('/api/agents/clinic-helper'),
      await other.browser.get('/agents/clinic-helper/activity'),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('Clinic Invoice Helper');
    }
  });

  it('lets the organisation alone try it and hire it', async () => {
    await other.browser.get('/agents/seo/trial');
    const refused = await other.browser.post('/agents/clinic-helper/trial', {
      ...trialAnswers,
      organisation: other.org.slug,
    });
    expect(refused.statusCode).toBe(404);
    expect((await store.query('select 1 from commerce_trials')).rows).toEqual([]);

    await clinic.browser.get('/agents/clinic-helper/trial');
    const started = await clinic.browser.post('/agents/clinic-helper/trial', {
      ...trialAnswers,
      organisation: clinic.org.slug,
    });
    expect(started.statusCode).toBe(303);

    const plans = async (who: { browser: InjectBrowser; org: Organisation }) => {
      const listed: { plans: { agentId: string }[] } = (
        await who.browser.get(`/api/subscriptions?organisation=${who.org.slug}`)
      ).json();
      return listed.plans.map((p) => p.agentId);
    };
    expect(await plans(clinic)).toContain('clinic-helper');
    expect(await plans(other)).not.toContain('clinic-helper');
  });
});
