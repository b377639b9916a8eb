import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { openTicket } from '#domains/support';
import {
  activateVersion,
  createBus,
  createGitHubPort,
  createHealthRecorder,
  createLogger,
  createMetrics,
  grantPlatformActions,
  loadManifests,
  recordDraft,
  type Bus,
  type GitHubClient,
  type Store,
} from '#platform';
import { agentEffects, testBusDefaults, testGitHubPolicy } from '#platform/testing';
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
import { openErrorIssue } from '../src/playbooks/error-issue.ts';
import { investigate, type InvestigateDeps } from '../src/playbooks/investigate.ts';
import { loadPlaybooks } from '../src/playbooks/load-playbooks.ts';
import { auditTrail, readRun } from '../src/playbooks/playbook-audit.ts';
import { platformPort } from '../src/playbooks/platform-port.ts';
import type { JsonValue, Trouble } from '../src/playbooks/run-playbook.ts';
import { confirmRecovery, undoRemedy, type Unrecovered, type VerifyDeps } from '../src/playbooks/verify-remedy.ts';
import { testRelease } from '../../../test/support/test-release.ts';

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
  let verifying: VerifyDeps & InvestigateDeps;
  let bus: Bus;
  const platformCalls: string[] = [];
  const approvers = { logins: ['ada'], teams: [{ org: 'acme', slug: 'support-leads' }] };
  /** An agent's handling in one minute: `events` each taking `ms`, the first `failing` of them failed. */
  const handle = async (agent: string, minute: number, events: number, ms: number, failing = 0) => {
    const health = createHealthRecorder();
    for (let i = 0; i < events; i += 1) health.record(agent, ms, i >= failing, at(minute));
    await health.flush(store);
  };
  const baseline = async (agent: string, ms: number) => {
    for (let m = -180; m < -15; m += 15) await handle(agent, m, 20, ms);
  };
  const stepsOf = async (incidentId: string) => (await auditTrail(store, incidentId)).map((x) => x.step);
  const issueOf = (agent: string) => repo.issues?.find((i) => i.title.includes(agent))?.number ?? 0;
  const commentsOn = (issue: number) => github.comments.filter((c) => c.issue === issue).map((c) => c.body);
  const unrecoveredOf = async (incidentId: string) =>
    (await outbox('support.incident.unrecovered')).find((e) => e.data.incidentId === incidentId)?.data as
      Unrecovered | undefined;

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
    verifying = { ...support, approvers };
    bus = await createBus({ streamMaxLen: 1000, defaults: testBusDefaults, log });
    // A week-like baseline at 50 ms, the cache tuned to defaults.
    for (let m = -180; m < -15; m += 15) await run(m, 20);
  }, 60_000);

  afterAll(async () => {
    await bus.close();
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
    expect(await stepsOf(incidentId)).toEqual(['matched', 'diagnose:cache', 'applied']);
    // WowSupport hears the incident resolved: the remedy helped, once.
    expect(await confirmRecovery(verifying, incidentId)).toEqual({ did: 'recovered', remedy: 'lengthen-ttl' });
    expect(await confirmRecovery(verifying, incidentId)).toMatchObject({ did: 'ignored' });
    expect((await readRun(store, incidentId))?.state).toBe('recovered');
    expect(await stepsOf(incidentId)).toEqual(['matched', 'diagnose:cache', 'applied', 'recovered']);
    expect(await outbox('support.incident.unrecovered')).toEqual([]);
    const issue = repo.issues?.[0]?.number;
    const onIssue = github.comments.filter((c) => c.issue === issue).map((c) => c.body);
    expect(onIssue.some((b) => b.includes('playbook `cache-mistuned`'))).toBe(true);
    expect(onIssue.some((b) => b.includes('Remedy `lengthen-ttl` ran (low risk, automatically)'))).toBe(true);
    expect(onIssue.some((b) => b.includes('remedy `lengthen-ttl` helped, and the incident is closed'))).toBe(true);
    expect(github.violations).toEqual([]);
  });

  it('undoes a remedy that did not help over its windows, back to the settings it recorded, and escalates to L3', async () => {
    // The cache is mis-tuned here too, but it is not why the agent is slow: retuning does not help.
    await baseline('stuck-agent', 50);
    await store.query(
      "insert into cache_tuning (namespace, ttl_factor, l1_max_entries) values ('stuck-agent', 0.5, 800)",
    );
    await store.query(
      `insert into cache_namespace_minutes (namespace, minute, l1_hits, l2_hits, loads, load_ms_sum, expired, l1_entries_max, l1_bound)
       values ('stuck-agent', $1, 2, 0, 38, 1140, 36, 10, 800)`,
      [at(103)],
    );
    const customerId = randomUUID();
    await store.query("insert into support_customers (id, slug, name) values ($1, 'globex', 'Globex')", [customerId]);
    await addCustomerAgent(store, customerId, 'stuck-agent');
    await handle('stuck-agent', 103, 20, 90);
    const opened = (await checkIncidents(analytics, at(105))).find((o) => o.agentId === 'stuck-agent');
    expect(opened).toMatchObject({ did: 'opened', signals: ['latency'] });
    const incidentId = opened?.incidentId ?? '';
    // A customer writes in while it lasts: L1 holds the ticket.
    const ticket = await store.transaction((tx) =>
      openTicket(tx, {
        subject: 'Everything is slow',
        body: 'Since this morning.',
        channel: 'api',
        customerId,
        requester: { email: 'pat@globex.example' },
      }),
    );
    let clock = at(106);
    const deps: VerifyDeps & InvestigateDeps = {
      ...verifying,
      clock: () => clock,
      ports: {
        ...support.ports,
        request: (type: string, input: JsonValue) => {
          if (type === 'cache.stats') return readCacheStats(store, cacheStatsRequest.parse(input), clock);
          if (type === 'cache.tune')
            return tuneNamespace(store, cacheSettings.parse({}), cacheTuneRequest.parse(input), clock);
          return Promise.reject(new Error(`nobody answers ${type} here`));
        },
      },
    };
    expect(await investigate(deps, { incidentId, agent: 'stuck-agent', kind: 'latency' })).toEqual({
      did: 'applied',
      playbook: 'cache-mistuned',
      remedy: 'lengthen-ttl',
    });
    const tuning = async () =>
      (
        await store.query<{ ttl_factor: number; l1_max_entries: number }>(
          "select ttl_factor, l1_max_entries from cache_tuning where namespace = 'stuck-agent'",
        )
      ).rows[0];
    expect(await tuning()).toEqual({ ttl_factor: 4, l1_max_entries: 800 });

    // Two windows on, still slow: not yet the verdict.
    await handle('stuck-agent', 120, 20, 90);
    expect((await checkIncidents(analytics, at(125))).find((o) => o.agentId === 'stuck-agent')).toMatchObject({
      did: 'updated',
    });
    expect(await unrecoveredOf(incidentId)).toBeUndefined();
    // The third window after the remedy: still outside the baseline, told once.
    await handle('stuck-agent', 135, 20, 90);
    expect((await checkIncidents(analytics, at(137))).filter((o) => o.agentId === 'stuck-agent')).toContainEqual({
      agentId: 'stuck-agent',
      did: 'unrecovered',
      incidentId,
      remedy: 'lengthen-ttl',
    });
    await handle('stuck-agent', 145, 20, 90);
    expect((await checkIncidents(analytics, at(147))).filter((o) => o.agentId === 'stuck-agent')).toMatchObject([
      { did: 'updated' },
    ]);
    expect((await outbox('support.incident.unrecovered')).filter((e) => e.data.incidentId === incidentId)).toHaveLength(
      1,
    );
    const verdict = await unrecoveredOf(incidentId);
    expect(verdict).toMatchObject({
      agentId: 'stuck-agent',
      windows: 3,
      judgement: expect.stringContaining('mean response') as string,
    });

    clock = at(148);
    expect(await undoRemedy(deps, verdict as Unrecovered)).toEqual({
      did: 'undone',
      remedy: 'lengthen-ttl',
      tickets: [ticket.id],
    });
    // A redelivery finds nothing left to undo.
    expect(await undoRemedy(deps, verdict as Unrecovered)).toMatchObject({ did: 'ignored' });
    expect(await tuning()).toEqual({ ttl_factor: 0.5, l1_max_entries: 800 });
    expect((await readRun(store, incidentId))?.state).toBe('undone');
    expect(await stepsOf(incidentId)).toEqual([
      'matched',
      'diagnose:cache',
      'applied',
      'unrecovered',
      'undone',
      'escalated',
    ]);
    const escalated = await outbox('support.ticket.escalated');
    expect(escalated.filter((e) => e.data.ticketId === ticket.id)).toMatchObject([{ data: { tier: 'L3' } }]);
    const { rows } = await store.query<{ tier: string }>('select tier from support_tickets where id = $1', [ticket.id]);
    expect(rows[0]?.tier).toBe('L3');
    const issue = issueOf('stuck-agent');
    expect(repo.labels?.get(issue)).toContain('tier:L3');
    const onIssue = commentsOn(issue);
    expect(onIssue.some((b) => b.includes('Remedy `lengthen-ttl` was undone.'))).toBe(true);
    expect(onIssue.some((b) => b.startsWith('@ada @acme/support-leads: this incident is for L3'))).toBe(true);
    // The incident stays open, for the person on L3, and tells no customer of a fix.
    expect((await outbox('support.incident.resolved')).some((e) => e.data.incidentId === incidentId)).toBe(false);
  });

  it("judges a dead letter's redrive, no incident behind it, over its windows as any remedy: recovery closes its issue, none goes to L3", async () => {
    let clock = at(403);
    const redriven: string[] = [];
    const deps: VerifyDeps & InvestigateDeps = {
      ...verifying,
      clock: () => clock,
      ports: {
        // WowAnalytics finds no incident open for the agent, so the redrive fits.
        request: (type, input) =>
          Promise.resolve(
            type === 'analytics.health.report'
              ? { agents: (input as { agents: string[] }).agents.map((id) => ({ id, incident: null })) }
              : { events: [] },
          ),
        platform: (call) => {
          redriven.push(`${call.action} ${call.trouble.agent}`);
          return Promise.resolve({ redriven: 2 });
        },
      },
    };
    // What investigateError does with a dead letter: an issue of its own, then the playbook.
    const deadLetter = async (agent: string): Promise<string> => {
      const trouble: Trouble = {
        incidentId: randomUUID(),
        agent,
        kind: 'error',
        code: 'WOW_ERR_HANDLER',
        eventType: 'orders.placed',
        figures: { message: 'handler failed' },
      };
      await openErrorIssue(store, { client, owner: 'acme', repo: 'support' }, trouble, clock);
      expect(await investigate(deps, trouble)).toEqual({ did: 'applied', playbook: 'dead-letters', remedy: 'redrive' });
      return trouble.incidentId;
    };
    await baseline('mender', 20);
    await baseline('breaker', 20);
    const mended = await deadLetter('mender');
    const broken = await deadLetter('breaker');
    expect(redriven).toEqual(['redrive mender', 'redrive breaker']);
    const stepOn = (id: string, step: string) =>
      github.comments.find((c) => c.body.includes(`<!-- wow-playbook:${id}:${step} -->`));
    expect(stepOn(mended, 'applied')?.body).toContain('WowAnalytics now judges the next 3 windows');

    // mender handles its work within its baseline; breaker fails 40% of it.
    for (const m of [405, 415, 425, 435]) {
      await handle('mender', m, 20, 20);
      await handle('breaker', m, 20, 20, 8);
    }
    // One whole window after them: no verdict yet either way.
    const early = await checkIncidents(analytics, at(414));
    expect(early.filter((o) => o.did === 'remedy-recovered' || o.did === 'unrecovered')).toEqual([]);
    // Two healthy windows for mender: recovered; breaker's third window is still failing: not.
    const looked = await checkIncidents(analytics, at(434));
    expect(looked).toContainEqual({
      agentId: 'mender',
      did: 'remedy-recovered',
      incidentId: mended,
      remedy: 'redrive',
    });
    expect(looked).toContainEqual({ agentId: 'breaker', did: 'unrecovered', incidentId: broken, remedy: 'redrive' });
    // Told once, however many looks reach the verdict.
    const again = await checkIncidents(analytics, at(440));
    expect(again.filter((o) => o.did === 'remedy-recovered' || o.did === 'unrecovered')).toEqual([]);
    const recovered = (await outbox('support.remedy.recovered')).filter((e) => e.data.incidentId === mended);
    expect(recovered).toMatchObject([
      { data: { agentId: 'mender', playbook: 'dead-letters', remedy: 'redrive', windows: 3 } },
    ]);
    const unrecovered = (await outbox('support.incident.unrecovered')).filter((e) => e.data.incidentId === broken);
    expect(unrecovered).toHaveLength(1);

    clock = at(441);
    const judged = recovered[0]?.data as unknown as Unrecovered;
    expect(await confirmRecovery(deps, mended, judged)).toEqual({ did: 'recovered', remedy: 'redrive' });
    expect(await confirmRecovery(deps, mended, judged)).toMatchObject({ did: 'ignored' });
    expect((await readRun(store, mended))?.state).toBe('recovered');
    const menderIssue = repo.issues?.find((i) => i.title === 'Error: mender failed with WOW_ERR_HANDLER');
    expect(menderIssue?.state).toBe('closed');
    expect(stepOn(mended, 'recovered')?.body).toContain('it helped');

    // No undo for a redrive: the error goes to L3 as it is, its issue labelled; no incident, so no tickets.
    expect(await undoRemedy(deps, unrecovered[0]?.data as unknown as Unrecovered)).toEqual({
      did: 'escalated',
      remedy: 'redrive',
      undo: 'none',
      tickets: [],
    });
    expect((await readRun(store, broken))?.state).toBe('escalated');
    expect(await stepsOf(broken)).toEqual([
      'matched',
      'diagnose:health',
      'diagnose:history',
      'applied',
      'unrecovered',
      'not-undoable',
      'escalated',
    ]);
    const breakerIssue = repo.issues?.find((i) => i.title === 'Error: breaker failed with WOW_ERR_HANDLER');
    expect(breakerIssue?.state).toBe('open');
    expect(repo.labels?.get(breakerIssue?.number ?? 0)).toContain('tier:L3');
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

  it('tries the next fitting playbook when the first finds nothing to remedy (a healthy cache, an agent lagging at its maximum)', async () => {
    const incidentId = randomUUID();
    const requests: string[] = [];
    const deps: InvestigateDeps = {
      ...support,
      ports: {
        ...support.ports,
        request: (type) => {
          requests.push(type);
          if (type === 'cache.stats') return Promise.resolve({ namespaces: [] });
          if (type === 'scaling.status')
            return Promise.resolve({ agents: [{ agent: 'lagger', recommendation: { direction: 'up', to: 3 } }] });
          return Promise.reject(new Error(`nobody answers ${type} here`));
        },
      },
    };
    expect(await investigate(deps, { incidentId, agent: 'lagger', kind: 'latency' })).toEqual({
      did: 'waiting',
      playbook: 'lagging-at-max-replicas',
      remedy: 'raise-max-replicas',
    });
    expect(requests).toEqual(['cache.stats', 'scaling.status']);
    expect(await readRun(store, incidentId)).toMatchObject({ playbook: 'lagging-at-max-replicas', state: 'waiting' });
    expect(await stepsOf(incidentId)).toEqual([
      'matched',
      'diagnose:cache',
      'lagging-at-max-replicas:matched',
      'lagging-at-max-replicas:diagnose:scaling',
      'waiting',
    ]);

    // Neither fits: every playbook tried is named, and the incident is for L3.
    const other = randomUUID();
    const none: InvestigateDeps = {
      ...deps,
      ports: {
        ...deps.ports,
        request: (type) => Promise.resolve(type === 'cache.stats' ? { namespaces: [] } : { agents: [] }),
      },
    };
    expect(await investigate(none, { incidentId: other, agent: 'lagger', kind: 'latency' })).toEqual({
      did: 'no-remedy',
      playbook: 'cache-mistuned,lagging-at-max-replicas',
    });
    expect((await readRun(store, other))?.state).toBe('no_remedy');
  });

  it('keeps a suspension nothing undoes and escalates to L3 when the agent shows no recovery (ctx.platform, for real)', async () => {
    const release = testRelease('courier', { tier: 'Platform CoE' });
    await recordDraft(store, release);
    await activateVersion(store, 'courier', release.treeHash, 'test');
    const manifest = (await loadManifests(agentsDir)).find((m) => m.manifest.id === 'wowsupport')?.manifest;
    if (manifest === undefined) throw new Error('no wowsupport manifest');
    await baseline('courier', 20);
    await handle('courier', 201, 20, 20, 8);
    const opened = (await checkIncidents(analytics, at(202))).find((o) => o.agentId === 'courier');
    expect(opened).toMatchObject({ did: 'opened', signals: ['errors'] });
    const incidentId = opened?.incidentId ?? '';
    let clock = at(203);
    const deps: VerifyDeps & InvestigateDeps = {
      ...verifying,
      clock: () => clock,
      ports: {
        // No deploy on record: rollback does not fit, suspension does.
        request: (type) => Promise.resolve(type === 'events.history' ? { events: [] } : { agents: [] }),
        // WowSupport's manifest, its platform capabilities approved: the suspension really happens.
        platform: platformPort(
          grantPlatformActions(manifest, {
            deadLetters: bus.deadLetters,
            store,
            identity: undefined,
            metrics: createMetrics(),
          }),
        ),
      },
    };
    expect(await investigate(deps, { incidentId, agent: 'courier', kind: 'failures' })).toEqual({
      did: 'waiting',
      playbook: 'failing-after-deploy',
      remedy: 'suspend',
    });
    const lifecycle = async () =>
      (await store.query<{ state: string }>("select state from agent_lifecycle where agent_id = 'courier'")).rows[0]
        ?.state ?? 'active';
    expect(await lifecycle()).toBe('active');
    const issue = issueOf('courier');
    github.roles.set('ada', 'maintain');
    const approving = { ...deps, github: { client, owner: 'acme', repo: 'support' } };
    const approve = {
      owner: 'acme',
      repo: 'support',
      issue,
      commentId: 90,
      login: 'ada',
      isBot: false,
      body: '/approve',
    };
    expect(await approveRemedy(approving, approve)).toMatchObject({ did: 'applied', remedy: 'suspend' });
    expect(await lifecycle()).toBe('suspended');
    const audit = await store.query<{
      agent_id: string;
      action: string;
      outcome: string;
      approved_by: string;
      incident: string;
    }>("select agent_id, action, outcome, approved_by, incident from platform_actions where target = 'courier'");
    expect(audit.rows).toEqual([
      { agent_id: 'wowsupport', action: 'suspend', outcome: 'done', approved_by: 'ada', incident: incidentId },
    ]);

    // Suspended, it handles nothing: no window shows recovery, and after three the verdict comes.
    expect((await checkIncidents(analytics, at(215))).find((o) => o.agentId === 'courier')).toBeUndefined();
    expect((await checkIncidents(analytics, at(234))).find((o) => o.agentId === 'courier')).toMatchObject({
      did: 'unrecovered',
      remedy: 'suspend',
    });
    const verdict = await unrecoveredOf(incidentId);
    expect(verdict?.judgement).toContain('too little traffic');
    clock = at(235);
    expect(await undoRemedy(deps, verdict as Unrecovered)).toEqual({
      did: 'escalated',
      remedy: 'suspend',
      undo: 'none',
      tickets: [],
    });
    expect(await lifecycle()).toBe('suspended');
    expect((await readRun(store, incidentId))?.state).toBe('escalated');
    expect(await stepsOf(incidentId)).toEqual([
      'matched',
      'diagnose:history',
      'diagnose:health',
      'waiting',
      'applied',
      'unrecovered',
      'not-undoable',
      'escalated',
    ]);
    expect(repo.labels?.get(issue)).toContain('tier:L3');
    expect(
      commentsOn(issue).some((b) => b.includes('Remedy `suspend` has no undo in playbook `failing-after-deploy`')),
    ).toBe(true);
  });

  it('rolls a rollback that did not help forward again, to the version it retired, and escalates (ctx.platform, for real)', async () => {
    const v1 = testRelease('relay', { tier: 'Platform CoE' }, '1'.repeat(40));
    const v2 = testRelease('relay', { tier: 'Platform CoE', version: '1.1.0' }, '2'.repeat(40));
    for (const release of [v1, v2]) {
      await recordDraft(store, release);
      await activateVersion(store, 'relay', release.treeHash, 'test');
    }
    const active = async () =>
      (
        await store.query<{ tree_hash: string }>(
          "select tree_hash from agent_versions where agent_id = 'relay' and state = 'Active'",
        )
      ).rows[0]?.tree_hash;
    const manifest = (await loadManifests(agentsDir)).find((m) => m.manifest.id === 'wowsupport')?.manifest;
    if (manifest === undefined) throw new Error('no wowsupport manifest');
    await baseline('relay', 20);
    await handle('relay', 301, 20, 20, 8);
    const opened = (await checkIncidents(analytics, at(302))).find((o) => o.agentId === 'relay');
    expect(opened).toMatchObject({ did: 'opened', signals: ['errors'] });
    const incidentId = opened?.incidentId ?? '';
    const deps: VerifyDeps & InvestigateDeps = {
      ...verifying,
      clock: () => at(303),
      ports: {
        request: (type) =>
          Promise.resolve(type === 'events.history' ? { events: [{ type: 'agent.deployed' }] } : { agents: [] }),
        platform: platformPort(
          grantPlatformActions(manifest, {
            deadLetters: bus.deadLetters,
            store,
            identity: undefined,
            metrics: createMetrics(),
          }),
        ),
      },
    };
    expect(await investigate(deps, { incidentId, agent: 'relay', kind: 'failures' })).toMatchObject({
      did: 'waiting',
      remedy: 'rollback',
    });
    expect(await active()).toBe(v2.treeHash);
    github.roles.set('ada', 'maintain');
    const approving = { ...deps, github: { client, owner: 'acme', repo: 'support' } };
    const approve = {
      owner: 'acme',
      repo: 'support',
      issue: issueOf('relay'),
      commentId: 91,
      login: 'ada',
      isBot: false,
      body: '/approve',
    };
    expect(await approveRemedy(approving, approve)).toMatchObject({ did: 'applied', remedy: 'rollback' });
    expect(await active()).toBe(v1.treeHash);
    // The version before fails as much: the deploy was not the cause.
    await handle('relay', 333, 20, 20, 8);
    expect((await checkIncidents(analytics, at(334))).filter((o) => o.agentId === 'relay')).toContainEqual(
      expect.objectContaining({ did: 'unrecovered', remedy: 'rollback' }),
    );
    expect(await undoRemedy(deps, (await unrecoveredOf(incidentId)) as Unrecovered)).toEqual({
      did: 'undone',
      remedy: 'rollback',
      tickets: [],
    });
    expect(await active()).toBe(v2.treeHash);
    const audit = await store.query<{ action: string; approved_by: string | null }>(
      "select action, approved_by from platform_actions where target = 'relay' order by id",
    );
    // The roll-forward is the approved remedy's undo: it carries the approver too.
    expect(audit.rows).toEqual([
      { action: 'rollback', approved_by: 'ada' },
      { action: 'roll_forward', approved_by: 'ada' },
    ]);
    expect(await stepsOf(incidentId)).toEqual([
      'matched',
      'diagnose:history',
      'diagnose:health',
      'waiting',
      'applied',
      'unrecovered',
      'undone',
      'escalated',
    ]);
  });
});
