import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCustomerWebhook } from '#domains/support';
import { createHealthRecorder, type CloudEvent, type Runtime } from '#platform';
import { eventually } from '#platform/testing';
import { addCustomerAgent } from '../../agents/wowanalytics/src/index.ts';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../doubles/github-api.ts';
import { agentRuntimes } from '../support/agent-runtimes.ts';
import { testMasterKey } from '../support/sign-as.ts';
import { createTestDatabase, deleteRedisKeys, testRedisUrl, uniqueName } from '../support/servers.ts';

// The seed's first scenario, "an agent 20% slower because its cache namespace is mis-tuned",
// as the platform runs it: on PostgreSQL and Redis, WowAnalytics, WowSupport, WowCache and
// WowNotification each in a runtime of its own, sharing the bus; the GitHub double holds the
// support repository, a webhook endpoint and a mail server stand for the customer. The
// mis-tuned agent is played by the test: what every runtime hosting it would record per
// minute (its handling, its cache namespace's figures), the cache's tuning read back each
// time. WowCache's own tuning schedule is off, so the fix can only be the playbook's.
const agentsDir = fileURLToPath(new URL('../../agents', import.meta.url));
const customerSecret = 'whsec-cache-customer';
const cleanups: (() => Promise<void>)[] = [];
const hooks: { type: string; data: Record<string, unknown>; delivery: string }[] = [];
const mails: Buffer[] = [];
let github: GitHubDouble;
let repo: DoubleRepo;
let store: Runtime['store'];
let analytics: Runtime;
/** Every error.occurred on the bus, as a consumer group of its own sees it. */
const errors: CloudEvent<{ kind: string; agent: string; code: string; incidentId?: string }>[] = [];

beforeAll(async () => {
  github = createGitHubDouble();
  repo = { owner: 'acme', repo: 'support', dir: tmpdir(), pulls: [] };
  github.addRepo(repo);
  const endpoint: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const ok = verifyCustomerWebhook({ secret: customerSecret, body, headers: req.headers });
      if (ok)
        hooks.push({
          ...(JSON.parse(body) as { type: string; data: Record<string, unknown> }),
          delivery: String(req.headers['x-wow-delivery']),
        });
      res.writeHead(ok ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => endpoint.close(() => resolve())));
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

  const database = await createTestDatabase('cacheheal');
  const prefix = `${uniqueName('cacheheal')}:`;
  cleanups.push(database.drop, () => deleteRedisKeys(prefix));
  const runtimes = agentRuntimes({
    agentsDir,
    github: github.fetch,
    env: {
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl,
      BUS_KEY_PREFIX: prefix,
      IDENTITY_MASTER_KEY: testMasterKey,
      BACKUP_INTERVAL_SECONDS: '0',
      LOG_LEVEL: 'silent',
      SUPPORT_SLA_SWEEP_SECONDS: '0',
      SUPPORT_REPO: 'acme/support',
      SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}?ignoreTLS=true`,
      SUPPORT_EMAIL_FROM: 'support@waooaw.example',
      // A look each second (an open incident judged again after half of it), not each minute.
      WOWANALYTICS_CHECK_SECONDS: '1',
      WOWCACHE_TUNE_INTERVAL_MS: '0',
    },
  });
  cleanups.push(() => runtimes.stop());
  analytics = await runtimes.start(['wowanalytics']);
  ({ store } = analytics);
  // WowEvent answers the failing-after-deploy playbook's events.history.
  await runtimes.start(['wowsupport', 'wowevent']);
  await runtimes.start(['wowcache']);
  await runtimes.start(['wownotification']);

  const customerId = randomUUID();
  const { port } = endpoint.address() as AddressInfo;
  await store.query(
    'insert into support_customers (id, slug, name, webhook_url, webhook_secret, notice_email) values ($1, $2, $3, $4, $5, $6)',
    [customerId, 'initech', 'Initech', `http://127.0.0.1:${port}/hooks/wow`, customerSecret, 'ops@initech.example'],
  );
  await addCustomerAgent(store, customerId, 'slow-agent');
  await analytics.bus.subscribe({
    group: 'test-error-recorder',
    types: ['error.occurred'],
    answersRequests: false,
    handler: (event) => Promise.resolve(void errors.push(event as (typeof errors)[number])),
  });
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

/**
 * `events` handled by slow-agent at `at`, as its runtimes record them: 50 ms of its own work,
 * plus a 30 ms load on every read while its cache's TTL factor is under 1 (each entry has
 * expired by its next read); its namespace's figures for the minute with them.
 */
async function slowAgentHandles(at: Date, events: number): Promise<void> {
  const { rows } = await store.query<{ ttl_factor: number }>(
    "select ttl_factor from cache_tuning where namespace = 'slow-agent'",
  );
  const loadsEveryTime = (rows[0]?.ttl_factor ?? 1) < 1;
  const health = createHealthRecorder();
  for (let i = 0; i < events; i += 1) health.record('slow-agent', loadsEveryTime ? 80 : 50, true, at);
  await health.flush(store);
  const loads = loadsEveryTime ? events : Math.ceil(events / 20);
  await store.query(
    `insert into cache_namespace_minutes (namespace, minute, l1_hits, loads, load_ms_sum, expired, l1_entries_max, l1_bound)
     values ('slow-agent', date_trunc('minute', $1::timestamptz), $2, $3, $4, $5, 10, 1000)
     on conflict (namespace, minute) do update set l1_hits = cache_namespace_minutes.l1_hits + excluded.l1_hits,
       loads = cache_namespace_minutes.loads + excluded.loads, load_ms_sum = cache_namespace_minutes.load_ms_sum + excluded.load_ms_sum,
       expired = cache_namespace_minutes.expired + excluded.expired`,
    [at, events - loads, loads, loads * 30, loadsEveryTime ? events : 0],
  );
}

describe("the seed's cache regression, healed over the bus (PostgreSQL, Redis, four runtimes, the GitHub double)", () => {
  it('incident → playbook asks WowCache → cache.tune → latency back → incident closed → the customer told once by webhook and mail', async () => {
    // A week-like baseline at 50 ms with the cache at its defaults.
    for (let m = 180; m > 15; m -= 15) await slowAgentHandles(minutesAgo(m), 20);
    // Someone sets a tiny TTL: every read loads, the agent is 60% slower.
    await store.query(
      "insert into cache_tuning (namespace, ttl_factor, l1_max_entries) values ('slow-agent', 0.05, 1000)",
    );
    await slowAgentHandles(minutesAgo(1), 20);

    // WowAnalytics' look opens the incident and its issue; WowSupport's playbook asks WowCache and retunes.
    const incident = async () =>
      (
        await store.query<{ id: string; issue_number: number | null; closed_at: Date | null; signals: string[] }>(
          "select id, issue_number, closed_at, signals from support_incidents where agent_id = 'slow-agent'",
        )
      ).rows;
    await eventually(async () => (await incident()).length === 1, 'the incident opened');
    const [opened] = await incident();
    expect(opened?.signals).toEqual(['latency']);
    const incidentId = opened?.id ?? '';
    const tuning = async () =>
      (await store.query<{ ttl_factor: number }>("select ttl_factor from cache_tuning where namespace = 'slow-agent'"))
        .rows[0]?.ttl_factor;
    const run = async () =>
      (
        await store.query<{ playbook: string; remedy: string; state: string; result: unknown }>(
          'select playbook, remedy, state, result from support_playbook_runs where incident_id = $1',
          [incidentId],
        )
      ).rows;
    await eventually(async () => (await run())[0]?.state === 'applied', "the playbook's remedy applied");
    expect(await tuning()).toBe(4);
    const runs = await run();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      playbook: 'cache-mistuned',
      remedy: 'lengthen-ttl',
      state: 'applied',
      result: { previous: { ttlFactor: 0.05 }, current: { ttlFactor: 4 } },
    });
    const { rows: changes } = await store.query<{ reason: string }>(
      "select reason from cache_tuning_changes where namespace = 'slow-agent'",
    );
    expect(changes.map((c) => c.reason)).toEqual([expect.stringContaining('playbook cache-mistuned')]);

    // The agent runs with the longer TTL: back within its baseline, two healthy looks close the incident.
    await slowAgentHandles(new Date(), 200);
    await eventually(async () => (await incident())[0]?.closed_at !== null, 'the incident closed');
    const steps = await store.query<{ step: string }>(
      'select step from support_playbook_steps where incident_id = $1 order by id',
      [incidentId],
    );
    expect(steps.rows.map((s) => s.step)).toEqual(['matched', 'diagnose:cache', 'applied']);
    const issueNumber = (await incident())[0]?.issue_number;
    const issue = () => repo.issues?.find((i) => i.number === issueNumber);
    await eventually(async () => issue()?.state === 'closed', 'the incident issue closed');
    const onIssue = github.comments.filter((c) => c.issue === issueNumber).map((c) => c.body);
    expect(onIssue.some((b) => b.includes('Remedy `lengthen-ttl` ran (low risk, automatically)'))).toBe(true);

    // The customer using the agent: "we noticed and fixed it", once by webhook and once by mail.
    const fixed = () => hooks.filter((h) => h.type === 'support.incident.fixed');
    const fixMails = async () =>
      (await Promise.all(mails.map((m) => simpleParser(m)))).filter(
        (m) => m.subject === 'We noticed a problem and fixed it',
      );
    await eventually(async () => fixed().length === 1 && (await fixMails()).length === 1, 'the customer told');
    expect(fixed()[0]).toMatchObject({
      delivery: `${incidentId}:fixed`,
      data: { incidentId, summary: expect.stringContaining('TTL was lengthened') as string },
    });
    const [mail] = await fixMails();
    expect(mail?.to).toMatchObject({ text: 'ops@initech.example' });
    expect(mail?.text).toContain('fixed it: The agent');
    // WowAnalytics' own notices (opened, resolved) reach the endpoint too; the fix is told once beside them.
    await eventually(
      async () => hooks.filter((h) => h.type === 'support.incident.resolved').length === 1,
      "WowAnalytics' resolved notice",
    );
    expect(fixed()).toHaveLength(1);
    expect(await fixMails()).toHaveLength(1);
    expect(github.violations).toEqual([]);
  });
});

describe('a failure rate over the bus (error.occurred from WowAnalytics through the platform)', () => {
  it('publishes error.occurred (failure_rate) with the incident, and WowSupport runs one playbook for it and the incident event', async () => {
    const health = createHealthRecorder();
    for (let m = 180; m > 15; m -= 15) for (let i = 0; i < 20; i += 1) health.record('mailer', 20, true, minutesAgo(m));
    // 8 of the last 20 fail: no slower, failing more.
    for (let i = 0; i < 20; i += 1) health.record('mailer', 20, i >= 8, minutesAgo(1));
    await health.flush(store);
    await eventually(async () => errors.some((e) => e.data.agent === 'mailer'), 'error.occurred for mailer');
    const { rows } = await store.query<{ id: string; signals: string[] }>(
      "select id, signals from support_incidents where agent_id = 'mailer'",
    );
    expect(rows).toEqual([{ id: expect.any(String) as string, signals: ['errors'] }]);
    const incidentId = rows[0]?.id;
    expect(errors.filter((e) => e.data.agent === 'mailer')).toEqual([
      expect.objectContaining({
        source: 'urn:wow:platform',
        data: expect.objectContaining({ kind: 'failure_rate', code: 'WOW_ERR_FAILURE_RATE', incidentId }) as object,
      }),
    ]);
    // The incident's event and the error both reach WowSupport: one run, one high-risk remedy waiting.
    const waiting = async () =>
      (
        await store.query<{ event: { data: { playbook: string; remedy: string } } }>(
          "select event from outbox where event->>'type' = 'support.incident.remedy_waiting' and event->'data'->>'incidentId' = $1",
          [incidentId],
        )
      ).rows;
    const steps = async () =>
      (
        await store.query<{ step: string }>(
          'select step from support_playbook_steps where incident_id = $1 order by id',
          [incidentId],
        )
      ).rows.map((r) => r.step);
    await eventually(async () => (await steps()).includes('waiting'), 'the remedy waiting for /approve');
    expect(await steps()).toEqual(['matched', 'diagnose:history', 'diagnose:health', 'waiting']);
    expect((await waiting()).map((r) => r.event.data)).toEqual([
      expect.objectContaining({ playbook: 'failing-after-deploy', remedy: 'suspend' }),
    ]);
  });
});
