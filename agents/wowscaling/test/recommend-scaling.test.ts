import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubPort, createStore, migrate, type Store } from '#platform';
import { quietLog, testGitHubPolicy } from '#platform/testing';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { testAppPrivateKey } from '../../../test/support/github-app.ts';
import { closeAndDropSchema, testDatabaseUrl, uniqueName } from '../../../test/support/servers.ts';
import { writeScalingPull } from '../src/apply/write-scaling-pull.ts';
import { recommendScaling } from '../src/decide/recommend-scaling.ts';
import type { Recommendation, Sample } from '../src/index.ts';
import { scalingRepository } from './support/scaling-fixture.ts';

// The recommendations' life on PostgreSQL, round by round as the schedule runs them:
// made once, kept while they stand, lapsed when the lag is gone, applied when the bounds change.
const bounds = { sustainedSamples: 3, idleSamples: 50, maxReplicasCeiling: 10, minReplicasFloor: 1 };
let store: Store;
let minute = 0;
const announced: Recommendation[] = [];

const round = (over: Partial<Sample>) => {
  const at = new Date(Date.UTC(2026, 11, 6, 1, minute++));
  const sample: Sample = {
    agentId: 'busy',
    sampledAt: at.toISOString(),
    liveReplicas: 2,
    minReplicas: 1,
    maxReplicas: 2,
    pendingPerReplica: 20,
    lag: 0,
    pending: 0,
    handled: 0,
    latencyMs: null,
    serviceLevelMs: 1000,
    ...over,
  };
  return recommendScaling(store, [sample], bounds, at, (_tx, rec) => {
    announced.push(rec);
    return Promise.resolve();
  });
};

beforeAll(async () => {
  store = await createStore({
    url: testDatabaseUrl,
    dataDir: '.data',
    poolMax: 2,
    schema: uniqueName('wowscaling'),
    log: quietLog,
  });
  await migrate(store, { log: quietLog });
}, 60_000);

afterAll(async () => {
  await closeAndDropSchema(store);
});

describe('recommendScaling on PostgreSQL', () => {
  it('recommends once while the condition stands, lapses when the lag is gone, and is applied when the bounds change', async () => {
    expect((await round({ lag: 5 })).recommended).toEqual([]);
    expect((await round({ lag: 9 })).recommended).toEqual([]);
    const made = await round({ lag: 20 });
    expect(made.recommended).toMatchObject([
      { agentId: 'busy', direction: 'up', proposed: { maxReplicas: 3 }, state: 'open' },
    ]);
    expect(announced).toHaveLength(1);
    // Still lagging: the open one stands, no second.
    expect(await round({ lag: 30 })).toEqual({ recommended: [], closed: [] });

    // A sustained run with nothing waiting: lapsed.
    await round({});
    await round({});
    const lapsed = await round({});
    expect(lapsed.closed).toEqual([{ id: made.recommended[0]?.id, agentId: 'busy', state: 'lapsed' }]);

    // Growing again: a new one; then the manifest's new bounds are deployed: applied.
    await round({ lag: 1 });
    await round({ lag: 2 });
    const again = await round({ lag: 3 });
    expect(again.recommended).toHaveLength(1);
    const applied = await round({ maxReplicas: 3 });
    expect(applied.closed).toEqual([{ id: again.recommended[0]?.id, agentId: 'busy', state: 'applied' }]);
    expect(applied.recommended).toEqual([]);

    const { rows } = await store.query<{ state: string; evidence: Sample[] }>(
      'select state, evidence from scaling_recommendations order by created_at',
    );
    expect(rows.map((r) => r.state)).toEqual(['lapsed', 'applied']);
    expect(rows[0]?.evidence.map((s) => s.lag)).toEqual([5, 9, 20]);
  });
});

describe('writeScalingPull', () => {
  let github: GitHubDouble;
  let repo: DoubleRepo;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    const repository = await scalingRepository();
    cleanups.push(repository.remove);
    github = createGitHubDouble();
    repo = { owner: 'acme', repo: 'waooaw', dir: repository.dir, pulls: [], installationId: 7, issues: [] };
    github.addRepo(repo);
  });
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('opens no second pull request for an agent while another recommendation’s is open', async () => {
    const port = createGitHubPort({
      credentials: { appId: '1', privateKey: testAppPrivateKey(), apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    });
    const at = { client: await port.forRepository('acme', 'waooaw'), owner: 'acme', repo: 'waooaw' };
    const rec = (id: string, maxReplicas: number): Recommendation => ({
      id,
      agentId: 'busy-agent',
      direction: 'up',
      reason: 'at its maximum of 1 replicas for 3 samples, lag grew from 1 to 9 entries',
      current: { minReplicas: 1, maxReplicas: 1, pendingPerReplica: 20 },
      proposed: { minReplicas: 1, maxReplicas, pendingPerReplica: 20 },
      evidence: [],
      state: 'open',
      pull: null,
      createdAt: '2026-12-06T01:00:00.000Z',
      closedAt: null,
    });
    const first = await writeScalingPull(at, rec('11111111-1111-4111-8111-111111111111', 2), 'agents');
    expect(first).toMatchObject({ did: 'opened', branch: 'wowscaling/busy-agent-11111111' });
    expect(await writeScalingPull(at, rec('11111111-1111-4111-8111-111111111111', 2), 'agents')).toMatchObject({
      did: 'found',
      number: first.did === 'opened' ? first.number : 0,
    });
    expect(await writeScalingPull(at, rec('22222222-2222-4222-8222-222222222222', 3), 'agents')).toMatchObject({
      did: 'open-already',
      recommendation: '11111111-1111-4111-8111-111111111111',
    });
    expect(github.callsTo('POST /repos/{owner}/{repo}/pulls')).toHaveLength(1);

    // Closed by a reviewer: the next recommendation gets its own.
    for (const p of repo.pulls) p.state = 'closed';
    expect(await writeScalingPull(at, rec('22222222-2222-4222-8222-222222222222', 3), 'agents')).toMatchObject({
      did: 'opened',
      branch: 'wowscaling/busy-agent-22222222',
    });
    expect(github.violations).toEqual([]);
  });
});
