import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAgentHost,
  createEvent,
  createGitHubPort,
  loadConfig,
  openRuntime,
  type CloudEvent,
  type Runtime,
} from '#platform';
import { eventually, quietLog, testGitHubPolicy } from '#platform/testing';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { testAppPrivateKey } from '../../../test/support/github-app.ts';
import { createTestDatabase, deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import type { ScalingApplyResult, ScalingStatus } from '../src/index.ts';
import { busyManifest, fileAt, hostScalingAgents, scalingRepository, work } from './support/scaling-fixture.ts';

// On PostgreSQL and Redis: the busy agent's consumer group is a real one (XREADGROUP), its
// lag the stream's XINFO GROUPS reports. Pull requests wait for scaling.apply (a playbook's
// remedy after /approve), as WOWSCALING_AUTO_PULL=false says.
const cleanups: (() => Promise<void>)[] = [];
let runtime: Runtime;
let github: GitHubDouble;
let repo: DoubleRepo;
const recommended: CloudEvent[] = [];

beforeAll(async () => {
  const hosted = await hostScalingAgents();
  const repository = await scalingRepository();
  cleanups.push(hosted.remove, repository.remove);
  github = createGitHubDouble();
  repo = { owner: 'acme', repo: 'waooaw', dir: repository.dir, pulls: [], installationId: 7, issues: [] };
  github.addRepo(repo);
  const database = await createTestDatabase('wowscaling');
  const prefix = `${uniqueName('wowscaling')}:`;
  cleanups.push(database.drop, () => deleteRedisKeys(prefix));
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl,
    BUS_KEY_PREFIX: prefix,
    BUS_SIGNING: 'off',
    BACKUP_INTERVAL_SECONDS: '0',
    AGENTS_DIR: hosted.dir,
  });
  runtime = await openRuntime(config, quietLog);
  cleanups.push(() => runtime.close());
  const host = await createAgentHost({
    config,
    bus: runtime.bus,
    store: runtime.store,
    log: quietLog,
    metrics: runtime.metrics,
    agentsDir: hosted.dir,
    ids: ['wowscaling', 'busy-agent'],
    github: createGitHubPort({
      credentials: { appId: '1', privateKey: testAppPrivateKey(), apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    }),
    env: {
      WOWSCALING_SAMPLE_INTERVAL_MS: '150',
      WOWSCALING_SUSTAINED_SAMPLES: '3',
      WOWSCALING_REPOSITORY: 'acme/waooaw',
      WOWSCALING_AUTO_PULL: 'false',
    },
  });
  await runtime.bus.subscribe({
    group: 'test-recorder-scaling',
    types: ['scaling.recommended'],
    answersRequests: false,
    handler: (event) => {
      recommended.push(event);
      return Promise.resolve();
    },
  });
  await host.start();
  cleanups.push(async () => {
    await host.stop({ timeoutMs: 5_000 });
  });
  runtime.relay.start();
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const ask = <R>(type: string, data: unknown) =>
  runtime.bus.request<R>(createEvent({ type, source: 'urn:wow:test', data }), { timeoutMs: 30_000 });

const busyGroup = async () =>
  (await runtime.bus.stats()).topics.flatMap((t) => t.groups).find((g) => g.group === 'busy-agent');

describe('WowScaling on PostgreSQL and Redis', () => {
  it('samples a real consumer group’s growing lag, recommends a scale-up on /metrics, and opens its one pull request on scaling.apply', async () => {
    let n = 0;
    const feeder = setInterval(() => void runtime.bus.publish(work(n++)), 50);
    try {
      await eventually(() => recommended.some((e) => e.subject === 'busy-agent'), 'a recommendation for busy-agent');
    } finally {
      clearInterval(feeder);
    }
    // The lag WowScaling sampled is Redis's own: one entry held, the rest undelivered.
    const group = await busyGroup();
    expect(group?.pending).toBe(1);
    expect(group?.lag).toBeGreaterThan(0);
    // The run it was decided from, kept as its evidence: at the maximum, one entry held at most
    // (none before the first delivery), lag never shrinking and ending higher.
    const { rows } = await runtime.store.query<{ evidence: { lag: number; pending: number; liveReplicas: number }[] }>(
      `select evidence from scaling_recommendations where agent_id = 'busy-agent'`,
    );
    const evidence = rows[0]?.evidence ?? [];
    expect(evidence).toHaveLength(3);
    expect(evidence.every((s) => s.liveReplicas === 1 && s.pending <= 1)).toBe(true);
    const backlog = evidence.map((s) => s.lag + s.pending);
    expect(backlog).toEqual([...backlog].sort((a, b) => a - b));
    expect(backlog[2]).toBeGreaterThan(backlog[0] ?? Infinity);
    expect(recommended.find((e) => e.subject === 'busy-agent')?.data).toMatchObject({
      direction: 'up',
      proposed: { maxReplicas: 2 },
    });

    const metrics = await runtime.metrics.metricsText();
    expect(metrics).toContain('wow_scaling_recommended_replicas{agent="busy-agent",direction="up",bound="max"} 2');
    expect(metrics).toContain('wow_scaling_current_replicas{agent="busy-agent",direction="up",bound="max"} 1');

    // Nothing on GitHub until asked.
    expect(github.callsTo('POST /repos/{owner}/{repo}/pulls')).toHaveLength(0);
    const opened = await ask<ScalingApplyResult>('scaling.apply', {
      agent: 'busy-agent',
      reason: 'playbook agent-lagging-at-max-replicas',
    });
    expect(opened).toMatchObject({ did: 'opened', pull: { number: repo.pulls[0]?.number } });
    const again = await ask<ScalingApplyResult>('scaling.apply', { agent: 'busy-agent' });
    expect(again).toMatchObject({ did: 'found', pull: { number: repo.pulls[0]?.number } });
    expect(github.callsTo('POST /repos/{owner}/{repo}/pulls')).toHaveLength(1);
    expect(await fileAt(repo.dir, repo.pulls[0]?.head ?? '', 'agents/busy-agent/agent.yml')).toBe(
      busyManifest.replace('maxReplicas: 1 # one runtime', 'maxReplicas: 2 # one runtime'),
    );
    expect(github.violations).toEqual([]);

    // Merged and deployed: the registry's manifest has the new bounds, and the recommendation is applied.
    await runtime.store.query(
      `update agents set manifest = jsonb_set(manifest, '{scaling,maxReplicas}', '2') where id = 'busy-agent'`,
    );
    await eventually(async () => {
      const status = await ask<ScalingStatus>('scaling.status', { agent: 'busy-agent', samples: 1 });
      return status.agents[0]?.recommendation === null && status.agents[0]?.bounds?.maxReplicas === 2;
    }, 'the recommendation applied');
    const { rows: states } = await runtime.store.query<{ state: string }>(
      `select state from scaling_recommendations where agent_id = 'busy-agent'`,
    );
    expect(states).toEqual([{ state: 'applied' }]);
    expect(await runtime.metrics.metricsText()).not.toContain('wow_scaling_recommended_replicas{agent="busy-agent"');
  }, 90_000);
});
