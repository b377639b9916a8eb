import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubPort, createHealthRecorder, isWowError, type Store } from '#platform';
import { startTestAgent, testGitHubPolicy, type TestAgent } from '#platform/testing';
import { createCustomer, verifyCustomerWebhook } from '#domains/support';
import { createGitHubDouble, type DoubleRepo } from '../../../test/doubles/github-api.ts';
import { testAppPrivateKey } from '../../../test/support/github-app.ts';
import { uniqueName } from '../../../test/support/servers.ts';
import { insertIncident, queueIncidentNotices } from '../src/incidents/incident-store.ts';
import { addCustomerAgent } from '../src/index.ts';

// The agent on the real runtime: the in-process bus and an embedded PostgreSQL.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
// SUPPORT_SECRETS_KEY: customers' webhook secrets are sealed with it, and the agent opens them with it.
const key = randomBytes(32);
const supportEnv = { SUPPORT_SECRETS_KEY: key.toString('base64') };

/** A customer's webhook: what it received, each verified against the customer's secret. */
interface CustomerHook {
  url: string;
  received: { delivery: string; type: string; verified: boolean; agentId: string }[];
  secret: string;
  close(): Promise<void>;
}

async function serveCustomerHook(): Promise<CustomerHook> {
  const hook: CustomerHook = { url: '', received: [], secret: '', close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const verified = verifyCustomerWebhook({ secret: hook.secret, body, headers: req.headers });
      const { type, data } = JSON.parse(body) as { type: string; data: { agentId: string } };
      hook.received.push({ delivery: String(req.headers['x-wow-delivery']), type, verified, agentId: data.agentId });
      res.writeHead(verified ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  hook.close = () => new Promise((resolve) => server.close(() => resolve()));
  return hook;
}

/** A customer with a sealed webhook secret whose integration uses `agentId`. */
async function customerUsing(store: Store, hook: CustomerHook, agentId: string): Promise<void> {
  const slug = uniqueName('initech').replace(/_/g, '-');
  const customer = await createCustomer(store, { slug, name: 'Initech', webhookUrl: hook.url }, { secretsKey: key });
  hook.secret = customer.webhookSecret ?? '';
  await addCustomerAgent(store, customer.id, agentId);
}

describe('WowAnalytics with the check off (WOWANALYTICS_CHECK_SECONDS=0)', () => {
  let agent: TestAgent;
  let hook: CustomerHook;

  beforeAll(async () => {
    hook = await serveCustomerHook();
    agent = await startTestAgent({
      agentsDir,
      id: 'wowanalytics',
      relayOutbox: true,
      env: { ...supportEnv, WOWANALYTICS_CHECK_SECONDS: '0' },
    });
    await customerUsing(agent.store, hook, 'wowvision');
  });

  afterAll(async () => {
    await agent.stop();
    await hook.close();
  });

  it('Given support.incident.opened for an agent a customer uses, when WowAnalytics handles it, then the customer is told once', async () => {
    // The incident as a look writes it, with its notice queued; with the check off only the event tells.
    const incident = await insertIncident(agent.store, {
      id: randomUUID(),
      agentId: 'wowvision',
      signals: ['latency'],
      figures: {
        agentId: 'wowvision',
        baseline: { handled: 500, errorRate: 0, meanMs: 50 },
        current: { handled: 50, errorRate: 0, meanMs: 400 },
      },
      now: new Date(),
      repo: undefined,
    });
    if (incident === undefined) throw new Error('the first incident of an agent opens');
    await queueIncidentNotices(agent.store, incident, 'opened');
    const data = { incidentId: incident.id, agentId: 'wowvision', signals: incident.signals, figures: incident.latest };
    await agent.publish({ type: 'support.incident.opened', subject: incident.id, data });
    await agent.eventually(async () => {
      expect(hook.received).toEqual([
        { delivery: `${incident.id}:opened`, type: 'support.incident.opened', verified: true, agentId: 'wowvision' },
      ]);
    });
    // The bus delivers at least once: the same event again tells nobody twice.
    await agent.publish({ type: 'support.incident.opened', subject: incident.id, data });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ sent: boolean }>(
        'select sent_at is not null as sent from support_incident_notices where incident_id = $1',
        [incident.id],
      );
      expect(rows).toEqual([{ sent: true }]);
    });
    expect(hook.received).toHaveLength(1);
  });

  it('declares no check schedule, and keeps the hourly prune of health minutes', async () => {
    const { rows } = await agent.store.query<{ name: string; interval_ms: number }>(
      "select name, interval_ms from agent_schedules where agent_id = 'wowanalytics' order by name",
    );
    expect(rows).toEqual([{ name: 'prune', interval_ms: 3_600_000 }]);
  });
});

describe('WowAnalytics checking every agent each second', () => {
  let agent: TestAgent;
  let hook: CustomerHook;
  let repo: DoubleRepo;
  const github = createGitHubDouble();

  beforeAll(async () => {
    hook = await serveCustomerHook();
    repo = { owner: 'acme', repo: 'support', dir: tmpdir(), pulls: [] };
    github.addRepo(repo);
    agent = await startTestAgent({
      agentsDir,
      id: 'wowanalytics',
      relayOutbox: true,
      github: createGitHubPort({
        credentials: { appId: '1', privateKey: testAppPrivateKey(), apiUrl: 'https://api.github.com' },
        fetch: github.fetch,
        policy: testGitHubPolicy,
      }),
      env: { ...supportEnv, SUPPORT_REPO: 'acme/support', WOWANALYTICS_CHECK_SECONDS: '1' },
    });
    await customerUsing(agent.store, hook, 'wowvision');
  });

  afterAll(async () => {
    await agent.stop();
    await hook.close();
  });

  it('opens an incident from the handling runtimes record, with its issue in SUPPORT_REPO, announces it and tells the customer once', async () => {
    // Two hours at 50 ms, then the last minute at 400 ms: well past +20%.
    const now = Date.now();
    const recorder = createHealthRecorder();
    for (let m = 120; m > 15; m -= 5)
      for (let i = 0; i < 5; i++) recorder.record('wowvision', 50, true, new Date(now - m * 60_000));
    for (let i = 0; i < 20; i++) recorder.record('wowvision', 400, true, new Date(now - 60_000));
    await recorder.flush(agent.store);

    const opened = await agent.emitted('support.incident.opened', (e) => e.source === 'urn:wow:agent:wowanalytics');
    const { incidentId } = opened.data as { incidentId: string };
    expect(opened.data).toMatchObject({ agentId: 'wowvision', signals: ['latency'] });
    await agent.eventually(async () => {
      expect(repo.issues?.map((i) => i.title)).toEqual(['Incident: wowvision slower than usual']);
      expect(hook.received).toEqual([
        { delivery: `${incidentId}:opened`, type: 'support.incident.opened', verified: true, agentId: 'wowvision' },
      ]);
    });
    expect(github.violations).toEqual([]);
  });
});

describe("WowAnalytics' settings", () => {
  it('refuses to start with a check interval it cannot read, naming the variable', async () => {
    const failed: unknown = await startTestAgent({
      agentsDir,
      id: 'wowanalytics',
      env: { WOWANALYTICS_CHECK_SECONDS: 'often' },
    }).catch((e: unknown) => e);
    expect(isWowError(failed, 'WOW_ERR_CONFIG')).toBe(true);
    expect((failed as Error).message).toContain('WOWANALYTICS_CHECK_SECONDS: expected an integer from 0 to 86400');
  });
});
