import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { createGitHubPort, createHealthRecorder, createLogger, type GitHubClient, type Store } from '#platform';
import { agentEffects, testGitHubPolicy } from '#platform/testing';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { addCustomerAgent, checkIncidents, type IncidentDeps } from '../../wowanalytics/src/index.ts';
import {
  cacheSettings,
  cacheStatsRequest,
  cacheTuneRequest,
  readCacheStats,
  tuneNamespace,
} from '../../wowcache/src/index.ts';
import { approveRemedy } from '../src/playbooks/approve-remedy.ts';
import { investigate, type InvestigateDeps } from '../src/playbooks/investigate.ts';
import { loadPlaybooks } from '../src/playbooks/load-playbooks.ts';
import { auditTrail, readRun } from '../src/playbooks/playbook-audit.ts';
import type { JsonValue } from '../src/playbooks/run-playbook.ts';

const log = createLogger('silent');
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const t0 = new Date('2026-12-05T10:00:00Z');
const at = (m: number) => new Date(t0.getTime() + m * 60_000);
const [postgres] = storeBackends('selfheal', { poolMax: 4 });

describe("the seed's cache regression, healed end to end (PostgreSQL, the GitHub double)", () => {
  let store: Store;
  let close: () => Promise<void>;
  let github: GitHubDouble;
  let repo: DoubleRepo;
  let client: GitHubClient;
  let analytics: IncidentDeps;
  let support: InvestigateDeps;
  const platformCalls: string[] = [];

  /**
   * The mis-tuned agent as it runs: each event reads its cache namespace; with a TTL factor
   * under 1 every entry has expired by its next read, so the loader (30 ms) runs each time.
   */
  const run = async (minute: number, events: number) => {
    const { rows } = await store.query<{ ttl_factor: number }>(
      "select ttl_factor from cache_tuning where namespace = 'slow-agent'",
    );
    const loadsEveryTime = (rows[0]?.ttl_factor ?? 1) < 1;
    const health = createHealthRecorder();
    for (let i = 0; i < events; i += 1) health.record('slow-agent', loadsEveryTime ? 50 + 30 : 50, true, at(minute));
    await health.flush(store);
    // The cache's figures for the minute, as every process adds them.
    const loads = loadsEveryTime ? events : Math.ceil(events / 20);
    await store.query(
      `insert into cache_namespace_minutes (namespace, minute, l1_hits, l2_hits, loads, load_ms_sum, expired, l1_entries_max, l1_bound)
       values ('slow-agent', $1, $2, 0, $3, $4, $5, 10, 1000)
       on conflict (namespace, minute) do update set l1_hits = excluded.l1_hits, loads = excluded.loads, expired = excluded.expired`,
      [at(minute), events - loads, loads, loads * 30, loadsEveryTime ? events : 0],
    );
  };
  const outbox = async (type: string) =>
    (
      await store.query<{ event: { type: string; data: Record<string, unknown> } }>(
        'select event from outbox order by id',
      )
    ).rows
      .map((r) => r.event)
      .filter((e) => e.type === type);

  beforeAll(async () => {
    if (postgres === undefined) throw new Error('no PostgreSQL backend');
    ({ store, close } = await postgres.open());
    github = createGitHubDouble();
    repo = { owner: 'acme', repo: 'support', dir: tmpdir(), pulls: [] };
    github.addRepo(repo);
    const port = createGitHubPort({
      credentials: { appId: '1', privateKey, apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    });
    client = await port.forRepository('acme', 'support');
    const loaded = await loadPlaybooks(fileURLToPath(new URL('../../../playbooks/', import.meta.url)));
    if ('problems' in loaded) throw new Error(loaded.problems.join('\n'));
    const customerId = randomUUID();
    await store.query("insert into support_customers (id, slug, name) values ($1, 'initech', 'Initech')", [customerId]);
    await addCustomerAgent(store, customerId, 'slow-agent');
    analytics = {
      store,
      log,
      ...(await agentEffects({ store, agentsDir, id: 'wowanalytics' })),
      github: { client, owner: 'acme', repo: 'support' },
      send: () => Promise.resolve(),
    };
    const settings = cacheSettings.parse({});
    let now = at(0);
    support = {
      store,
      log,
      github: { client, owner: 'acme', repo: 'support' },
      playbooks: loaded.playbooks,
      ...(await agentEffects({ store, agentsDir, id: 'wowsupport' })),
      clock: () => now,
      ports: {
        // WowCache's answers to the two requests, over the same database, checked by their protocols' schemas.
        request: (type: string, input: JsonValue) => {
          now = at(6);
          if (type === 'cache.stats') return readCacheStats(store, cacheStatsRequest.parse(input), now);
          if (type === 'cache.tune') return tuneNamespace(store, settings, cacheTuneRequest.parse(input), now);
          return Promise.reject(new Error(`nobody answers ${type} here`));
        },
        platform: (call) => {
          platformCalls.push(`${call.action} ${call.trouble.agent}`);
          return Promise.resolve({ done: call.action });
        },
      },
    };
    // A week-like baseline at 50 ms, the cache tuned to defaults.
    for (let m = -180; m < -15; m += 15) await run(m, 20);
  }, 60_000);

  afterAll(async () => {
    await close();
  });

  it('opens the incident, retunes the cache through the playbook, sees recovery and closes with the fix and the customers, once', async () => {
    // Someone sets a tiny TTL: every read loads, the agent is 60% slower.
    await store.query(
      "insert into cache_tuning (namespace, ttl_factor, l1_max_entries) values ('slow-agent', 0.05, 1000)",
    );
    await run(3, 20);
    const [opened] = await checkIncidents(analytics, at(5));
    expect(opened).toMatchObject({ agentId: 'slow-agent', did: 'opened', signals: ['latency'] });
    const incidentId = opened?.incidentId ?? '';

    const outcome = await investigate(support, { incidentId, agent: 'slow-agent', kind: 'latency' });
    expect(outcome).toEqual({ did: 'applied', playbook: 'cache-mistuned', remedy: 'lengthen-ttl' });
    // A redelivery of the incident does nothing twice.
    expect(await investigate(support, { incidentId, agent: 'slow-agent', kind: 'latency' })).toEqual({
      did: 'investigated-before',
    });
    const { rows } = await store.query<{ ttl_factor: number }>(
      "select ttl_factor from cache_tuning where namespace = 'slow-agent'",
    );
    expect(rows[0]?.ttl_factor).toBe(4);
    expect((await readRun(store, incidentId))?.result).toMatchObject({
      previous: { ttlFactor: 0.05 },
      current: { ttlFactor: 4 },
    });

    // The next windows: back within baseline, two healthy looks close it.
    await run(20, 30);
    expect(await checkIncidents(analytics, at(25))).toMatchObject([{ did: 'recovering' }]);
    await run(26, 30);
    expect(await checkIncidents(analytics, at(30))).toMatchObject([{ did: 'closed' }]);
    const resolved = await outbox('support.incident.resolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]?.data).toMatchObject({
      incidentId,
      agentId: 'slow-agent',
      fix: { playbook: 'cache-mistuned', summary: expect.stringContaining('TTL was lengthened') as string },
      customers: ['initech'],
    });
    expect((await auditTrail(store, incidentId)).map((s) => s.step)).toEqual(['matched', 'diagnose:cache', 'applied']);
    const issue = repo.issues?.[0]?.number;
    const onIssue = github.comments.filter((c) => c.issue === issue).map((c) => c.body);
    expect(onIssue.some((b) => b.includes('playbook `cache-mistuned`'))).toBe(true);
    expect(onIssue.some((b) => b.includes('Remedy `lengthen-ttl` ran (low risk, automatically)'))).toBe(true);
    expect(github.violations).toEqual([]);
  });

  it('never runs a high-risk remedy without /approve, nor on /approve from a non-approver', async () => {
    const health = createHealthRecorder();
    for (let m = -180; m < -15; m += 15) for (let i = 0; i < 20; i += 1) health.record('mailer', 20, true, at(m));
    for (let i = 0; i < 20; i += 1) health.record('mailer', 20, i >= 8, at(41));
    await health.flush(store);
    const opened = (await checkIncidents(analytics, at(42))).find((o) => o.agentId === 'mailer');
    expect(opened).toMatchObject({ did: 'opened', signals: ['errors'] });
    const incidentId = opened?.incidentId ?? '';
    const requests: string[] = [];
    const deps: InvestigateDeps = {
      ...support,
      ports: {
        ...support.ports,
        request: (type) => {
          requests.push(type);
          return Promise.resolve(type === 'events.history' ? { events: [{ type: 'agent.deployed' }] } : { agents: [] });
        },
      },
    };
    expect(await investigate(deps, { incidentId, agent: 'mailer', kind: 'failures' })).toEqual({
      did: 'waiting',
      playbook: 'failing-after-deploy',
      remedy: 'rollback',
    });
    expect(platformCalls).toEqual([]);
    expect(await outbox('support.incident.remedy_waiting')).toMatchObject([
      { data: { incidentId, agentId: 'mailer', playbook: 'failing-after-deploy', remedy: 'rollback', risk: 'high' } },
    ]);
    const issue = repo.issues?.find((i) => i.title.includes('mailer'))?.number ?? 0;
    const comment = (login: string, id: number, body = '/approve') => ({
      owner: 'acme',
      repo: 'support',
      issue,
      commentId: id,
      login,
      isBot: false,
      body,
    });
    github.roles.set('mallory', 'write');
    github.roles.set('ada', 'maintain');
    const approving = { ...deps, github: { client, owner: 'acme', repo: 'support' } };
    expect(await approveRemedy(approving, comment('mallory', 1))).toEqual({ did: 'refused', login: 'mallory' });
    expect(await approveRemedy(approving, comment('ada', 2, 'looks good'))).toEqual({ did: 'ignored' });
    expect(await approveRemedy(approving, { ...comment('ada', 3), isBot: true })).toEqual({ did: 'ignored' });
    expect(platformCalls).toEqual([]);
    expect((await readRun(store, incidentId))?.state).toBe('waiting');
    expect(await approveRemedy(approving, comment('ada', 4))).toEqual({
      did: 'applied',
      playbook: 'failing-after-deploy',
      remedy: 'rollback',
    });
    expect(platformCalls).toEqual(['rollback mailer']);
    // A second /approve finds nothing waiting.
    expect(await approveRemedy(approving, comment('ada', 5))).toEqual({ did: 'ignored' });
    expect(platformCalls).toEqual(['rollback mailer']);
    expect(await readRun(store, incidentId)).toMatchObject({ state: 'applied' });
    expect(github.comments.some((c) => c.issue === issue && c.body.includes('@mallory only an approver'))).toBe(true);
  });
});
