import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAgentHost,
  createEvent,
  loadConfig,
  loadManifests,
  openRuntime,
  type AgentHost,
  type Runtime,
} from '#platform';
import { eventually, quietLog } from '#platform/testing';
import { verifyCustomerWebhook } from '#domains/support';
import { testMasterKey } from '../../../../test/support/sign-as.ts';
import { createTestDatabase, deleteRedisKeys, testRedisUrl, uniqueName } from '../../../../test/support/servers.ts';
import { fixNoticeText } from '../../src/incidents/tell-customers-fixed.ts';

// The customer's side of a self-healed incident, on PostgreSQL and Redis as `wow start`
// runs it: WowAnalytics (or a playbook) closes the incident naming its fix and the
// organisations it touched, and each of them hears it once by its signed webhook and by mail.
const agentsDir = fileURLToPath(new URL('../../..', import.meta.url));
const secret = 'whsec-fix-notice';
const cleanups: (() => Promise<void>)[] = [];
const hooks: { body: string; headers: IncomingHttpHeaders }[] = [];
const mails: Buffer[] = [];
let runtime: Runtime;
let host: AgentHost;
let hookUrl = '';
let failNextHook = false;

beforeAll(async () => {
  const endpoint: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (failNextHook) {
        failNextHook = false;
        res.writeHead(503).end();
        return;
      }
      const ok = verifyCustomerWebhook({ secret, body, headers: req.headers });
      if (ok) hooks.push({ body, headers: req.headers });
      res.writeHead(ok ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => endpoint.close(() => resolve())));
  hookUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/hooks/wow`;
  // The organisations' mail server.
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => smtp.close(() => resolve())));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const database = await createTestDatabase('fixnotice');
  const prefix = `${uniqueName('fixnotice')}:`;
  cleanups.push(database.drop, () => deleteRedisKeys(prefix));
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl,
    BUS_KEY_PREFIX: prefix,
    IDENTITY_MASTER_KEY: testMasterKey,
    BACKUP_INTERVAL_SECONDS: '0',
    AGENTS_DIR: agentsDir,
  });
  runtime = await openRuntime(config, quietLog);
  cleanups.push(() => runtime.close());
  host = await createAgentHost({
    config,
    bus: runtime.bus,
    store: runtime.store,
    log: quietLog,
    metrics: runtime.metrics,
    agentsDir,
    ids: ['wownotification'],
    env: {
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}?ignoreTLS=true`,
      SUPPORT_EMAIL_FROM: 'support@waooaw.example',
    },
  });
  await host.start();
  cleanups.push(async () => {
    await host.stop({ timeoutMs: 5_000 });
  });
  // The events come signed from WowAnalytics, as on the platform.
  const analytics = (await loadManifests(agentsDir)).find((m) => m.manifest.id === 'wowanalytics')?.manifest;
  if (analytics === undefined) throw new Error('no wowanalytics manifest');
  await runtime.identity.credentials.ensureWorkingTree(analytics, { actor: 'test' });
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function addCustomer(slug: string, opts: { webhook: boolean; email: string | null }): Promise<string> {
  const id = randomUUID();
  await runtime.store.query(
    'insert into support_customers (id, slug, name, webhook_url, webhook_secret, notice_email) values ($1, $2, $3, $4, $5, $6)',
    [id, slug, `Org ${slug}`, opts.webhook ? hookUrl : null, opts.webhook ? secret : null, opts.email],
  );
  return id;
}

const resolved = (incidentId: string, data: Record<string, unknown>) =>
  createEvent({
    type: 'support.incident.resolved',
    subject: incidentId,
    source: 'urn:wow:agent:wowanalytics',
    data: { incidentId, agentId: 'wowsupport', figures: { p95Ms: 180 }, ...data },
  });

const hooksFor = (incidentId: string) => hooks.filter((h) => h.body.includes(incidentId));
const mailsFor = async (incidentId: string) =>
  (await Promise.all(mails.map((m) => simpleParser(m)))).filter((m) => (m.text ?? '').includes(incidentId));

describe('the "we noticed and fixed it" notice, on PostgreSQL and Redis', () => {
  it('Given a resolution naming its fix and two organisations, when it is delivered twice, then each hears once by webhook and by mail', async () => {
    const incidentId = randomUUID();
    await addCustomer('acme', { webhook: true, email: 'ops@acme.example' });
    await addCustomer('globex', { webhook: true, email: null });
    const fix = {
      summary: 'The answer cache of WowSupport was retuned; answers are fast again.',
      playbook: 'cache-regression',
    };
    const event = resolved(incidentId, { fix, customers: ['acme', 'globex', 'acme', 'nobody'] });
    await runtime.bus.publish(event);
    await eventually(
      async () => hooksFor(incidentId).length === 2 && (await mailsFor(incidentId)).length === 1,
      'two webhooks and a mail',
    );
    // The bus redelivers the same event (a runtime died before its ack): nothing goes out again.
    await runtime.bus.publish(event);
    const marker = randomUUID();
    await runtime.bus.publish(resolved(marker, { fix, customers: ['globex'] }));
    await eventually(async () => hooksFor(marker).length === 1, 'the next incident went out');
    expect(hooksFor(incidentId)).toHaveLength(2);
    expect(await mailsFor(incidentId)).toHaveLength(1);

    const delivered = hooksFor(incidentId).map(
      (h) => JSON.parse(h.body) as { type: string; data: { summary: string; message: string } },
    );
    expect(delivered.map((d) => d.type)).toEqual(['support.incident.fixed', 'support.incident.fixed']);
    expect(delivered[0]?.data.summary).toBe(fix.summary);
    expect(hooksFor(incidentId)[0]?.headers['x-wow-delivery']).toBe(`${incidentId}:fixed`);
    const [mail] = await mailsFor(incidentId);
    expect(mail?.to).toMatchObject({ text: 'ops@acme.example' });
    expect(mail?.subject).toBe('We noticed a problem and fixed it');
    expect(mail?.headers.get('auto-submitted')).toBe('auto-replied');
    expect(mail?.text).toContain('fixed it: The answer cache of WowSupport was retuned');
  });

  it('Given a webhook that fails once, when the bus retries, then only the webhook is sent again and the mail stays single', async () => {
    const incidentId = randomUUID();
    await addCustomer('initech', { webhook: true, email: 'it@initech.example' });
    failNextHook = true;
    await runtime.bus.publish(
      resolved(incidentId, {
        fix: { summary: 'A credential was refreshed.', playbook: 'expired-credential' },
        customers: ['initech'],
      }),
    );
    await eventually(
      async () => hooksFor(incidentId).length === 1 && (await mailsFor(incidentId)).length === 1,
      'delivered after a retry',
    );
    expect(failNextHook).toBe(false);
    expect(await mailsFor(incidentId)).toHaveLength(1);
  });

  it('Given a resolution without a fix (the agent recovered by itself), when it arrives, then no customer is told', async () => {
    const incidentId = randomUUID();
    await addCustomer('hooli', { webhook: true, email: 'ops@hooli.example' });
    await runtime.bus.publish(resolved(incidentId, { customers: ['hooli'] }));
    const marker = randomUUID();
    await runtime.bus.publish(resolved(marker, { fix: { summary: 'x', playbook: 'p' }, customers: ['hooli'] }));
    await eventually(async () => hooksFor(marker).length === 1, 'the later notice went out');
    expect(hooksFor(incidentId)).toHaveLength(0);
  });

  it('keeps a customer name or summary from breaking the notice into lines of its own', () => {
    const text = fixNoticeText('Evil\n\nSubject: x', {
      incidentId: randomUUID(),
      agentId: 'a',
      fix: { summary: 'fixed\r\nBcc: all@example.com', playbook: 'p' },
    });
    expect(text).not.toMatch(/^Bcc:/m);
    expect(text).not.toMatch(/^Subject:/m);
  });
});
