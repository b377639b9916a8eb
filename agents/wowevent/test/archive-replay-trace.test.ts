import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
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
import { testMasterKey } from '../../../test/support/sign-as.ts';
import { createTestDatabase, deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { findArchivedEvents, renderTrace, replayEvents, traceOf, type TraceNode } from '../src/index.ts';

// WowEvent on a runtime as `wow start` opens it (signing on), beside a chain of three
// agents: chain-a turns a kick into step one, chain-b asks chain-a a question and sends
// step two, chain-c counts step two. On PostgreSQL with Redis, and on the embedded PGlite
// with the in-process bus.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const chainDir = fileURLToPath(new URL('../../../test/fixtures/chain-agents', import.meta.url));
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const environments: [string, () => Promise<Record<string, string>>][] = [
  [
    'PostgreSQL and Redis',
    async () => {
      const database = await createTestDatabase('wowevent');
      const prefix = `${uniqueName('wowevent')}:`;
      cleanups.push(database.drop, () => deleteRedisKeys(prefix));
      return { DATABASE_URL: database.url, REDIS_URL: testRedisUrl, BUS_KEY_PREFIX: prefix };
    },
  ],
  [
    'embedded PGlite and the in-process bus',
    async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'wow-wowevent-'));
      cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
      return { DATA_DIR: dataDir };
    },
  ],
];

const shape = (n: TraceNode): unknown => ({ type: n.event.type, children: n.children.map(shape) });

describe.each(environments)('WowEvent on %s', (_name, environment) => {
  it('archives a chain of three agents, traces it, and replays to one agent only, idempotently', async () => {
    const config = loadConfig({
      ...(await environment()),
      IDENTITY_MASTER_KEY: testMasterKey,
      BACKUP_INTERVAL_SECONDS: '0',
      AGENTS_DIR: chainDir,
    });
    const runtime: Runtime = await openRuntime(config, quietLog);
    const hosts: AgentHost[] = [];
    const host = async (dir: string, ids: string[]) => {
      const h = await createAgentHost({
        config,
        bus: runtime.bus,
        store: runtime.store,
        log: quietLog,
        metrics: runtime.metrics,
        agentsDir: dir,
        ids,
        identity: runtime.identity,
        signed: true,
        env: {},
      });
      await h.start();
      hosts.push(h);
    };
    try {
      expect(runtime.signed).toBe(true);
      const { bus, store, identity } = runtime;
      await host(agentsDir, ['wowevent']);
      await host(chainDir, ['chain-a', 'chain-b', 'chain-c']);
      runtime.relay.start();
      const manifests = new Map((await loadManifests(chainDir)).map((m) => [m.manifest.id, m.manifest]));
      const starter = manifests.get('chain-start');
      if (starter === undefined) throw new Error('no chain-start fixture');
      await identity.credentials.ensureWorkingTree(starter, { actor: 'test' });
      const since = new Date(Date.now() - 60_000);
      const kick = createEvent({ type: 'chain.start.kick', data: { n: 1 }, source: 'urn:wow:agent:chain-start' });
      await bus.publish(kick);

      const count = async (table: string) =>
        Number((await store.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]?.n);
      await eventually(async () => (await count('chain_c_effects')) === 1, 'chain-c handled step two');
      await eventually(
        async () => (await findArchivedEvents(store, { type: 'chain.*', limit: 10, order: 'oldest' })).length === 4,
        'the kick, both steps and the request archived',
      );
      await eventually(
        async () =>
          (await findArchivedEvents(store, { type: 'communication.request.completed', limit: 10, order: 'oldest' }))
            .length === 1,
        "the request's outcome archived",
      );

      const trace = await traceOf(store, kick.id);
      expect(shape(trace)).toEqual({
        type: 'chain.start.kick',
        children: [
          {
            type: 'chain.step.one',
            children: [
              { type: 'chain.count.ask', children: [] },
              { type: 'chain.step.two', children: [] },
            ],
          },
        ],
      });
      // The request's outcome is on the request's node, not an event of its own.
      const asked = trace.children[0]?.children[0];
      expect(asked?.request).toBe(true);
      expect(asked?.reply?.status).toBe('ok');
      expect(asked?.reply?.durationMs).toBeGreaterThanOrEqual(0);
      const rendered = renderTrace(trace).split('\n');
      expect(rendered[0]).toMatch(/^chain\.start\.kick {2}urn:wow:agent:chain-start {2}\S+Z {2}\+0ms/);
      expect(rendered[1]).toMatch(/^└─ chain\.step\.one {2}urn:wow:agent:chain-a /);
      expect(rendered[2]).toMatch(/^ {3}├─ chain\.count\.ask \(request, reply ok in \d+ms\) {2}urn:wow:agent:chain-b /);
      expect(rendered[3]).toMatch(/^ {3}└─ chain\.step\.two {2}urn:wow:agent:chain-b /);

      const wakesOn = (id: string) => manifests.get(id)?.wakesOn ?? [];
      const replay = (to: string, type: string, dryRun: boolean) =>
        replayEvents({ db: store, bus, guard: runtime.guard, to, wakesOn: wakesOn(to), type, since, dryRun });

      // A dry run lists what it would send, and sends nothing.
      const dry = await replay('chain-c', 'chain.*', true);
      expect(dry.sent.map((e) => e.type)).toEqual(['chain.step.two']);
      expect(dry.skipped.map((e) => e.reason)).toEqual([
        'chain-c does not wake on chain.start.kick',
        'chain-c does not wake on chain.step.one',
        'chain-c does not wake on chain.count.ask',
      ]);
      // Sent again to chain-c, which handled it: delivered (verified as chain-b's), its effect not doubled.
      const again = await replay('chain-c', 'chain.step.two', false);
      expect(again.sent).toHaveLength(1);
      await eventually(async () => (await count('chain_c_deliveries')) === 2, 'the replay delivered to chain-c');
      expect(await count('chain_c_effects')).toBe(1);

      // An agent started after the chain never saw step two: the replay runs its handler.
      await host(chainDir, ['chain-late']);
      expect(await count('chain_late_effects')).toBe(0);
      await replay('chain-late', 'chain.step.two', false);
      await eventually(async () => (await count('chain_late_effects')) === 1, 'chain-late handled the replay');
      // To its group only: chain-c was not woken again, nor did the archive take a copy.
      expect(await count('chain_c_deliveries')).toBe(2);
      expect(await findArchivedEvents(store, { type: 'chain.step.two', limit: 10, order: 'oldest' })).toHaveLength(1);
      expect(await bus.deadLetters.list({ group: 'security' })).toEqual([]);
    } finally {
      for (const h of hosts.reverse()) await h.stop({ timeoutMs: 5000 });
      await runtime.close();
    }
  }, 90_000);
});
