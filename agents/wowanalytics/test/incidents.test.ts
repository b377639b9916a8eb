import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { createGitHubPort, createHealthRecorder, createLogger, type Store } from '#platform';
import { agentEffects, testGitHubPolicy } from '#platform/testing';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { verifyCustomerWebhook } from '#domains/support';
import { checkIncidents, type IncidentDeps } from '../src/incidents/check-incidents.ts';
import { createNoticeSender } from '../src/incidents/create-notice-sender.ts';
import { addCustomerAgent } from '../src/incidents/incident-store.ts';
import { defaultHealthPolicy, judgeHealth, type HealthFigures } from '../src/incidents/judge-health.ts';

const log = createLogger('silent');
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const span = (handled: number, errorRate: number, meanMs: number) => ({ handled, errorRate, meanMs });
const figures = (baseline: HealthFigures['baseline'], current: HealthFigures['current']): HealthFigures => ({
  agentId: 'wowvision',
  baseline,
  current,
});

describe('judging an agent against its own baseline', () => {
  it('calls a rise of more than 20% in response time or failures a regression, above floors that keep noise out', () => {
    expect(judgeHealth(figures(span(500, 0.01, 100), span(50, 0.01, 125)))).toMatchObject({
      state: 'regressed',
      signals: ['latency'],
    });
    expect(judgeHealth(figures(span(500, 0.01, 100), span(50, 0.01, 119)))).toMatchObject({ state: 'healthy' });
    expect(judgeHealth(figures(span(500, 0.01, 100), span(50, 0.1, 100)))).toMatchObject({
      state: 'regressed',
      signals: ['errors'],
    });
    // 2 ms → 3 ms is +50% and nothing a customer notices; 0% → 1% is a single failure.
    expect(judgeHealth(figures(span(500, 0, 2), span(50, 0.01, 3)))).toMatchObject({ state: 'healthy' });
    expect(judgeHealth(figures(span(500, 0.01, 100), span(50, 0.2, 300)))).toMatchObject({
      state: 'regressed',
      signals: ['latency', 'errors'],
      summary:
        'wowvision: mean response 300 ms against a baseline of 100 ms (+200%); 20.0% of events failed against a baseline of 1.0%',
    });
  });

  it('says nothing either way on too little traffic', () => {
    expect(judgeHealth(figures(span(10, 0, 100), span(50, 0.5, 900)))).toMatchObject({
      state: 'unknown',
      why: '10 events in the baseline, fewer than 30',
    });
    expect(judgeHealth(figures(span(500, 0, 100), span(3, 1, 900)))).toMatchObject({ state: 'unknown' });
  });
});

const backends = storeBackends('incidents', { poolMax: 4 });

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const secret = 'incident-hook-secret';
const minutes = (n: number) => n * 60_000;
const t0 = new Date('2026-12-03T10:00:00Z');
const at = (offsetMinutes: number) => new Date(t0.getTime() + minutes(offsetMinutes));

describe.each(backends)('incidents on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  let github: GitHubDouble;
  let repo: DoubleRepo;
  let endpoint: Server;
  let deps: IncidentDeps;
  /** What the customer's webhook received, signature verified; `failNext` answers 500 once. */
  const received: { delivery: string; type: string; data: { incidentId: string; agentId: string; summary: string } }[] =
    [];
  let failNext = 0;
  const customerId = randomUUID();

  /** Handling as the runtime records it: `count` events of `ms` each at a minute, `failed` of them thrown. */
  const handled = async (agentId: string, minute: number, count: number, ms: number, failed = 0) => {
    const recorder = createHealthRecorder();
    for (let i = 0; i < count; i += 1) recorder.record(agentId, ms, i >= failed, at(minute));
    await recorder.flush(store);
  };
  const outbox = async (type: string) =>
    (
      await store.query<{ event: { type: string; source: string; data: { incidentId: string } } }>(
        'select event from outbox order by id',
      )
    ).rows
      .map((r) => r.event)
      .filter((e) => e.type === type);

  beforeAll(async () => {
    ({ store, close } = await backend.open());
    github = createGitHubDouble();
    // Issues only: the double reads no git repository for them.
    repo = { owner: 'acme', repo: 'support', dir: tmpdir(), pulls: [] };
    github.addRepo(repo);
    endpoint = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (failNext > 0) {
          failNext -= 1;
          res.writeHead(500).end();
          return;
        }
        const ok = verifyCustomerWebhook({ secret, body, headers: req.headers });
        if (ok)
          received.push({
            delivery: String(req.headers['x-wow-delivery']),
            ...(JSON.parse(body) as { type: string; data: (typeof received)[number]['data'] }),
          });
        res.writeHead(ok ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(endpoint.address() as { port: number }).port}/hooks`;
    await store.query(
      'insert into support_customers (id, slug, name, webhook_url, webhook_secret) values ($1, $2, $3, $4, $5)',
      [customerId, 'initech', 'Initech', url, secret],
    );
    await addCustomerAgent(store, customerId, 'wowvision');
    const port = createGitHubPort({
      credentials: { appId: '1', privateKey, apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    });
    deps = {
      store,
      log,
      ...(await agentEffects({ store, agentsDir, id: 'wowanalytics' })),
      github: { client: await port.forRepository('acme', 'support'), owner: 'acme', repo: 'support' },
      // The customer's secret is stored in plain text above: no SUPPORT_SECRETS_KEY opens it.
      send: createNoticeSender(undefined),
    };
    // A week of normal handling: 50 ms, 1 in 200 failing. The factory's agent is healthy throughout.
    for (let m = -180; m < -15; m += 15) {
      await handled('wowvision', m, 20, 50, m % 150 === 0 ? 1 : 0);
      await handled('factory', m, 20, 400);
    }
  }, 60_000);

  afterAll(async () => {
    await close();
    await new Promise((resolve) => endpoint.close(resolve));
  });

  it('stays quiet while every agent is within its baseline', async () => {
    await handled('wowvision', -5, 20, 52);
    await handled('factory', -5, 20, 410);
    expect(await checkIncidents(deps, t0)).toEqual([]);
    expect(repo.issues ?? []).toEqual([]);
  });

  it('opens one incident issue when an agent slows down, though two runtimes look at once, and tells the customers using it', async () => {
    await handled('wowvision', 3, 20, 140);
    await handled('factory', 3, 20, 400);
    failNext = 1;
    const [first, second] = await Promise.all([checkIncidents(deps, at(5)), checkIncidents(deps, at(5))]);
    const opened = [...(first ?? []), ...(second ?? [])].filter((o) => o.did === 'opened');
    expect(opened).toEqual([
      { agentId: 'wowvision', did: 'opened', incidentId: expect.any(String) as string, signals: ['latency'] },
    ]);
    expect(repo.issues).toHaveLength(1);
    const issue = repo.issues?.[0];
    expect(issue?.title).toBe('Incident: wowvision slower than usual');
    expect(issue?.body).toContain('| mean response | ');
    expect(repo.labels?.get(issue?.number ?? 0)).toEqual(['incident', 'agent:wowvision']);
    expect(await outbox('support.incident.opened')).toHaveLength(1);
    expect(github.violations).toEqual([]);
    // The customer's endpoint failed once: the notice waits and is sent on a later look, once.
    expect(received).toEqual([]);
    await checkIncidents(deps, at(7.5));
    expect(received).toEqual([
      {
        delivery: `${opened[0]?.incidentId}:opened`,
        type: 'support.incident.opened',
        data: expect.objectContaining({
          agentId: 'wowvision',
          summary: expect.stringContaining('mean response 140 ms') as string,
        }) as object,
      },
    ]);
  });

  it('updates the issue while the incident lasts, with a comment only when what regressed changes', async () => {
    const comments = () => github.comments.filter((c) => c.issue === repo.issues?.[0]?.number);
    await handled('wowvision', 9, 20, 160);
    expect(await checkIncidents(deps, at(10))).toMatchObject([
      { agentId: 'wowvision', did: 'updated', signals: ['latency'] },
    ]);
    expect(comments()).toEqual([]);
    // Judged ten seconds ago by another runtime: this look leaves it alone.
    expect(await checkIncidents(deps, new Date(at(10).getTime() + 10_000))).toEqual([]);
    await handled('wowvision', 11, 20, 170, 8);
    expect(await checkIncidents(deps, at(12))).toMatchObject([{ did: 'updated', signals: ['latency', 'errors'] }]);
    expect(repo.issues?.[0]?.title).toBe('Incident: wowvision slower than usual and failing more than usual');
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain('failed against a baseline');
    expect(repo.issues).toHaveLength(1);
    // Failing more since: the platform publishes error.occurred for the incident, once.
    const incidentId = (await outbox('support.incident.opened'))[0]?.data.incidentId;
    expect(await outbox('error.occurred')).toEqual([
      expect.objectContaining({
        source: 'urn:wow:platform',
        subject: 'wowvision',
        data: {
          kind: 'failure_rate',
          agent: 'wowvision',
          code: 'WOW_ERR_FAILURE_RATE',
          sample: {
            failed: '13.3% of 60',
            baseline: '0.4%',
            message: 'Agent wowvision failed 13.3% of 60 events in the last 10 minutes, against 0.4% in its baseline.',
          },
          incidentId,
          at: expect.any(String) as string,
        },
      }),
    ]);
    await handled('wowvision', 13, 20, 170, 8);
    expect(await checkIncidents(deps, at(14))).toMatchObject([{ did: 'updated', signals: ['latency', 'errors'] }]);
    expect(await outbox('error.occurred')).toHaveLength(1);
  });

  it('closes the incident and its issue after two healthy looks, and tells the customers it is over', async () => {
    await handled('wowvision', 20, 30, 50);
    expect(await checkIncidents(deps, at(25))).toMatchObject([{ did: 'recovering', healthyChecks: 1 }]);
    expect(repo.issues?.[0]?.state).toBe('open');
    await handled('wowvision', 26, 30, 48);
    expect(await checkIncidents(deps, at(30))).toMatchObject([{ did: 'closed' }]);
    expect(repo.issues?.[0]).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(github.comments.at(-1)?.body).toMatch(/^Recovered at 2026-12-03T10:30:00.000Z: wowvision: mean response/);
    expect(await outbox('support.incident.resolved')).toHaveLength(1);
    expect(received.map((r) => r.type)).toEqual(['support.incident.opened', 'support.incident.resolved']);
    expect(await checkIncidents(deps, at(35))).toEqual([]);
    expect(github.violations).toEqual([]);
  });

  it('opens a new incident on a later regression, without GitHub when none is configured', async () => {
    await handled('factory', 40, 20, 400, 10);
    const outcome = await checkIncidents({ ...deps, github: undefined }, at(42));
    expect(outcome).toMatchObject([{ agentId: 'factory', did: 'opened', signals: ['errors'] }]);
    // Opened failing: its error.occurred leaves with the incident, in the same transaction.
    expect((await outbox('error.occurred')).map((e) => e.data)).toContainEqual(
      expect.objectContaining({ kind: 'failure_rate', agent: 'factory', incidentId: outcome[0]?.incidentId }),
    );
    expect(repo.issues).toHaveLength(1);
    expect(defaultHealthPolicy.rise).toBe(0.2);
  });
});
