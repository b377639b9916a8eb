import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentHost, type AgentHost } from '../../agent/create-agent-host.ts';
import type { Bus } from '../../bus/bus.ts';
import { createBus } from '../../bus/create-bus.ts';
import { createEvent, type CloudEvent } from '../../bus/envelope.ts';
import { loadConfig } from '../../config/load-config.ts';
import type { AgentDeployed } from '../agent-release.ts';
import { changedAgents } from '../changed-agents.ts';
import { deployAgents } from '../deploy-agents.ts';
import { rollbackVersion } from '../version-registry.ts';
import { isWowError } from '../../errors/define-errors.ts';
import { createMetrics } from '../../metrics/metrics.ts';
import { createOutboxRelay, type OutboxRelay } from '../../outbox/create-outbox-relay.ts';
import { listAgents } from '../../registry/list-agents.ts';
import { createStore } from '../../store/create-store.ts';
import { migrate } from '../../store/migrate.ts';
import type { Store } from '../../store/store.ts';
import { eventually, quietLog, testBusDefaults } from '../../testing/index.ts';
import { greeterFiles, makeCheckout, writeAgent } from '../../../test/support/agent-checkout.ts';
import { deleteRedisKeys, testDatabaseUrl, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';

const exec = promisify(execFile);
const config = loadConfig({ HEARTBEAT_INTERVAL_MS: '100', HEARTBEAT_TIMEOUT_MS: '400', SHUTDOWN_TIMEOUT_MS: '5000' });

interface Backend {
  name: string;
  open(scratch: string): Promise<{ store: Store; bus: Bus; close: () => Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'PostgreSQL and Redis',
    async open() {
      const schema = uniqueName('deploy');
      const keyPrefix = `${uniqueName('deploy')}:`;
      const store = await createStore({ url: testDatabaseUrl, dataDir: '.data', poolMax: 5, schema, log: quietLog });
      const bus = await createBus({
        redisUrl: testRedisUrl,
        keyPrefix,
        streamMaxLen: 10_000,
        defaults: testBusDefaults,
        log: quietLog,
      });
      return {
        store,
        bus,
        async close() {
          await bus.close();
          await store.close();
          const c = new pg.Client({ connectionString: testDatabaseUrl });
          await c.connect();
          await c.query(`drop schema if exists ${schema} cascade`);
          await c.end();
          await deleteRedisKeys(keyPrefix);
        },
      };
    },
  },
  {
    name: 'embedded PGlite and the in-process bus',
    async open(scratch) {
      const store = await createStore({ dataDir: join(scratch, 'pglite'), poolMax: 1, log: quietLog });
      const bus = await createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log: quietLog });
      return {
        store,
        bus,
        close: async () => {
          await bus.close();
          await store.close();
        },
      };
    },
  },
];

describe.each(backends)('wow deploy on $name', (backend) => {
  let scratch: string;
  let repo: string;
  let runtimeCheckout: string;
  let store: Store;
  let bus: Bus;
  let relay: OutboxRelay;
  let host: AgentHost;
  let close: () => Promise<void>;
  const deployed: AgentDeployed[] = [];
  const failed: unknown[] = [];
  const git = async (...args: string[]) => (await exec('git', args, { cwd: repo })).stdout.trim();
  const commit = async (message: string) => {
    await git('add', '-A');
    await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', message);
    return git('rev-parse', 'HEAD');
  };
  const greet = async (ms = 0) =>
    await bus.request<{ version: string; starts: number }>(
      createEvent({ type: 'test.greet.requested', source: 'urn:wow:test', data: { ms } }),
      { timeoutMs: 10_000 },
    );
  const steadyStarts = async () =>
    (
      await bus.request<{ starts: number }>(
        createEvent({ type: 'test.steady.ping', source: 'urn:wow:test', data: {} }),
        { timeoutMs: 5_000 },
      )
    ).starts;
  const states = async () =>
    (
      await store.query<{ tree_hash: string; state: string }>(
        `select tree_hash, state from agent_versions where agent_id = 'greeter' order by created_at`,
      )
    ).rows;
  const deploy = () =>
    deployAgents({
      store,
      repoRoot: repo,
      agentsDir: join(repo, 'agents'),
      ids: ['greeter'],
      log: quietLog,
    });

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'wow-deploy-test-'));
    // The repository deploys are made from, and the checkout a runtime was started from
    // before the greeter existed; it runs one other agent, "steady".
    repo = join(scratch, 'repo');
    runtimeCheckout = join(scratch, 'runtime');
    await makeCheckout(repo);
    await makeCheckout(runtimeCheckout);
    await writeFile(join(repo, '.gitignore'), 'node_modules\n');
    await git('init', '-q', '-b', 'main');
    await writeAgent(runtimeCheckout, 'steady', {
      'agent.yml':
        'id: steady\nname: Steady\nversion: 1.0.0\ndescription: Counts its starts.\nwakesOn:\n  - test.steady.ping\n',
      'src/index.ts':
        "import { defineAgent } from '#platform';\n\nlet starts = 0;\nexport default defineAgent({\n  setup() {\n" +
        "    starts++;\n  },\n  on: { 'test.steady.ping': { handle: async () => ({ starts }) } },\n});\n",
    });
    ({ store, bus, close } = await backend.open(scratch));
    await migrate(store, { log: quietLog });
    relay = createOutboxRelay({ store, bus, log: quietLog, pollIntervalMs: 50 });
    relay.start();
    await bus.subscribe({
      group: 'observer',
      types: ['agent.deployed', 'agent.deploy.failed'],
      handler: async (e: CloudEvent) => {
        if (e.type === 'agent.deployed') deployed.push(e.data as AgentDeployed);
        else failed.push(e.data);
      },
    });
    host = await createAgentHost({
      config,
      bus,
      store,
      log: quietLog,
      metrics: createMetrics({ defaultMetrics: false }),
      agentsDir: join(runtimeCheckout, 'agents'),
      releasesDir: join(scratch, 'releases'),
    });
    await host.start();
  }, 60_000);

  afterAll(async () => {
    await host.stop({ timeoutMs: 2000 });
    await relay.stop();
    await close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('registers the committed folder as the Active version, announces it, and a running runtime starts it', async () => {
    await writeAgent(repo, 'greeter', greeterFiles('v1', '1.0.0'));
    await commit('greeter v1');
    const [outcome] = await deploy();
    const tree = await git('rev-parse', 'HEAD:agents/greeter');
    expect(outcome).toMatchObject({
      agentId: 'greeter',
      version: '1.0.0',
      treeHash: tree,
      commit: await git('rev-parse', 'HEAD'),
      outcome: 'activated',
      previousTreeHash: null,
    });
    expect(await states()).toEqual([{ tree_hash: tree, state: 'Active' }]);
    await eventually(() => deployed.length === 1, 'agent.deployed');
    expect(deployed[0]).toEqual({
      agentId: 'greeter',
      version: '1.0.0',
      treeHash: tree,
      commit: await git('rev-parse', 'HEAD'),
      previousTreeHash: null,
      rollback: false,
    });

    // A new agent's consumer group starts at its first subscription, as every group does.
    await eventually(() => host.versions().get('greeter') === tree, 'greeter running');
    expect(await greet()).toMatchObject({ version: 'v1', starts: 1 });
    expect(host.versions()).toEqual(
      new Map([
        ['steady', null],
        ['greeter', tree],
      ]),
    );
    await eventually(
      async () =>
        (await listAgents(store, { heartbeatTimeoutMs: 400 })).find((a) => a.id === 'greeter')?.status === 'Available',
      'greeter Available',
    );
    const row = (await listAgents(store, { heartbeatTimeoutMs: 400 })).find((a) => a.id === 'greeter');
    expect(row?.deployed).toMatchObject({ state: 'Active', version: '1.0.0', treeHash: tree, runningInstances: 1 });
  }, 30_000);

  it('swaps in a new version after the old one drains its in-flight work, and restarts no other agent', async () => {
    await writeAgent(repo, 'greeter', greeterFiles('v2', '1.1.0'));
    const v1 = await git('rev-parse', 'HEAD:agents/greeter');
    await commit('greeter v2');
    const v2 = await git('rev-parse', 'HEAD:agents/greeter');
    const slow = greet(800);
    await eventually(
      async () =>
        (await listAgents(store, { heartbeatTimeoutMs: 400 })).find((a) => a.id === 'greeter')?.inFlight === 1,
      'v1 busy',
    );
    expect((await deploy())[0]).toMatchObject({ outcome: 'activated', treeHash: v2, previousTreeHash: v1 });
    // The request v1 had begun is finished by v1, not dropped or handed over.
    expect(await slow).toMatchObject({ version: 'v1' });
    await eventually(() => host.versions().get('greeter') === v2, 'v2 running');
    expect(await greet()).toMatchObject({ version: 'v2', starts: 1 });
    expect(await steadyStarts()).toBe(1);
    expect(await states()).toEqual([
      { tree_hash: v1, state: 'Retired' },
      { tree_hash: v2, state: 'Active' },
    ]);
    expect(deployed.at(-1)).toMatchObject({ treeHash: v2, previousTreeHash: v1, rollback: false });
  }, 30_000);

  it('deploys nothing twice: the Active version again is unchanged and announces nothing', async () => {
    const before = deployed.length;
    expect((await deploy())[0]).toMatchObject({ outcome: 'unchanged' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(deployed).toHaveLength(before);
  });

  it('records a version that cannot load as Failed with the reason, and keeps the Active one running', async () => {
    const active = await git('rev-parse', 'HEAD:agents/greeter');
    await writeAgent(repo, 'greeter', { ...greeterFiles('v3', '1.2.0'), 'src/index.ts': 'export const handle = 1;\n' });
    await commit('greeter broken');
    const [outcome] = await deploy();
    expect(outcome).toMatchObject({ outcome: 'failed', previousTreeHash: active });
    expect(outcome?.reason).toContain('must `export default defineAgent(');
    expect((await states()).at(-1)).toMatchObject({ state: 'Failed' });
    expect(
      (await store.query<{ reason: string }>(`select reason from agent_versions where state = 'Failed'`)).rows[0]
        ?.reason,
    ).toContain('defineAgent');
    expect(await greet()).toMatchObject({ version: 'v2' });
    // Announced once, for the operators' alerts (WowNotification), from the same transaction.
    await eventually(() => failed.length === 1, 'agent.deploy.failed');
    expect(failed[0]).toEqual({
      agentId: 'greeter',
      version: '1.2.0',
      treeHash: await git('rev-parse', 'HEAD:agents/greeter'),
      commit: await git('rev-parse', 'HEAD'),
      reason: outcome?.reason,
      activeTreeHash: active,
    });
    // Each attempt that fails is announced (the operators' alert key de-duplicates the repeat).
    expect((await deploy())[0]).toMatchObject({ outcome: 'failed' });
    await eventually(() => failed.length === 2, 'the second agent.deploy.failed');
    expect(failed[1]).toEqual(failed[0]);
  }, 30_000);

  it('rejects an unknown agent or an invalid manifest before writing anything', async () => {
    const count = async () =>
      Number((await store.query<{ n: string }>('select count(*) as n from agent_versions')).rows[0]?.n);
    const before = await count();
    const unknown: unknown = await deployAgents({
      store,
      repoRoot: repo,
      agentsDir: join(repo, 'agents'),
      ids: ['greeter', 'nobody'],
      log: quietLog,
    }).catch((e: unknown) => e);
    expect(isWowError(unknown, 'WOW_ERR_DEPLOY')).toBe(true);
    expect((unknown as Error).message).toContain('agents/nobody/ does not exist at');

    await writeAgent(repo, 'greeter', {
      ...greeterFiles('v3', '1.3.0'),
      'agent.yml':
        'id: greeter\nname: Greeter\nversion: 1.3.0\ndescription: Says which version answers.\nwakesOn: nothing\n',
    });
    await commit('greeter with a bad manifest');
    const invalid: unknown = await deploy().catch((e: unknown) => e);
    expect(isWowError(invalid, 'WOW_ERR_DEPLOY')).toBe(true);
    expect((invalid as Error).message).toMatch(/agents\/greeter\/agent\.yml@[0-9a-f]{12}:\d+:\d+ wakesOn/);
    expect(await count()).toBe(before);
  });

  it('rolls back to the version Active before, and not further than the first', async () => {
    const [v1, v2] = (await states()).map((s) => s.tree_hash);
    const back = await rollbackVersion(store, 'greeter', 'urn:wow:test');
    expect(back).toMatchObject({ treeHash: v1, previousTreeHash: v2, rollback: true, version: '1.0.0' });
    await eventually(() => host.versions().get('greeter') === v1, 'v1 running again');
    expect(await greet()).toMatchObject({ version: 'v1' });
    expect((await states()).slice(0, 2)).toEqual([
      { tree_hash: v1, state: 'Active' },
      { tree_hash: v2, state: 'RolledBack' },
    ]);
    const err: unknown = await rollbackVersion(store, 'greeter', 'urn:wow:test').catch((e: unknown) => e);
    expect(isWowError(err, 'WOW_ERR_ROLLBACK')).toBe(true);
    expect((err as Error).message).toContain('is the first one deployed');
    expect(await steadyStarts()).toBe(1);
  }, 30_000);

  it('a runtime started later runs the Active version, not its own folder', async () => {
    const later = await createAgentHost({
      config,
      bus,
      store,
      log: quietLog,
      metrics: createMetrics({ defaultMetrics: false }),
      agentsDir: join(runtimeCheckout, 'agents'),
      releasesDir: join(scratch, 'releases-later'),
      ids: ['greeter'],
    });
    await later.start();
    try {
      expect(later.versions()).toEqual(new Map([['greeter', (await states())[0]?.tree_hash]]));
    } finally {
      await later.stop({ timeoutMs: 1000 });
    }
  }, 30_000);

  it('lists the agents a push changed, from git', async () => {
    const first = await git('rev-list', '--max-parents=0', 'HEAD');
    expect(await changedAgents({ repoRoot: repo, agentsPath: 'agents', since: first, ref: 'HEAD' })).toEqual({
      ids: ['greeter'],
      others: [],
    });
    expect(await changedAgents({ repoRoot: repo, agentsPath: 'agents', since: 'HEAD', ref: 'HEAD' })).toEqual({
      ids: [],
      others: [],
    });
    expect(
      (
        await changedAgents({
          repoRoot: repo,
          agentsPath: 'agents',
          since: '0000000000000000000000000000000000000000',
          ref: 'HEAD',
        })
      ).ids,
    ).toEqual(['greeter']);
  });
});
