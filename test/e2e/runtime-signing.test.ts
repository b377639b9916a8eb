import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createAgentHost,
  createEvent,
  enqueueOutbox,
  loadConfig,
  loadManifests,
  openRuntime,
  type CloudEvent,
  type Runtime,
} from '#platform';
import { eventually, quietLog } from '#platform/testing';
import { testMasterKey } from '../support/sign-as.ts';
import { createTestDatabase } from '../support/servers.ts';

// A runtime as `wow start` opens it signs and verifies by default, on PostgreSQL and on the
// embedded PGlite alike: what an agent writes to the outbox in its transaction is signed
// as it when the relay publishes it (on PGlite's single session, outside any transaction
// the signer's key read would wait behind) and verified before the handler; what a sender
// may not send is refused before any handler.
const fixtures = new URL('../fixtures/agents', import.meta.url).pathname;
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const environments: [string, () => Promise<Record<string, string>>][] = [
  [
    'PostgreSQL',
    async () => {
      const database = await createTestDatabase('rtsign');
      cleanups.push(database.drop);
      return { DATABASE_URL: database.url };
    },
  ],
  [
    'embedded PGlite',
    async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'wow-rtsign-'));
      cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
      return { DATA_DIR: dataDir };
    },
  ],
];

describe.each(environments)('a runtime on %s', (_name, environment) => {
  it('signs what the outbox relay publishes as its sender, delivers it verified, and refuses what the sender may not send', async () => {
    const config = loadConfig({
      ...(await environment()),
      IDENTITY_MASTER_KEY: testMasterKey,
      BACKUP_INTERVAL_SECONDS: '0',
      AGENTS_DIR: fixtures,
    });
    const runtime: Runtime = await openRuntime(config, quietLog);
    try {
      expect(runtime.signed).toBe(true);
      const { bus, store, identity } = runtime;
      const host = await createAgentHost({
        config,
        bus,
        store,
        log: quietLog,
        metrics: runtime.metrics,
        agentsDir: fixtures,
        ids: ['echo'],
        identity,
        signed: true,
      });
      await host.start();
      const replied: CloudEvent[] = [];
      const tallied: CloudEvent[] = [];
      await bus.subscribe({
        group: 'observer',
        types: ['test.echo.replied'],
        handler: async (e) => void replied.push(e),
      });
      await bus.subscribe({ group: 'tallies', types: ['test.tally.add'], handler: async (e) => void tallied.push(e) });
      runtime.relay.start();
      // Asker may send test.echo.request, not test.tally.add: its credential says so.
      const asker = (await loadManifests(fixtures)).find((m) => m.manifest.id === 'asker');
      if (asker === undefined) throw new Error('no asker fixture');
      await identity.credentials.ensureWorkingTree(asker.manifest, { actor: 'test' });
      const send = (type: string, data: unknown) =>
        store.transaction((tx) => enqueueOutbox(tx, createEvent({ type, data, source: 'urn:wow:agent:asker' })));
      await send('test.echo.request', { n: 1 });
      await send('test.echo.request', { n: 2 });
      await send('test.tally.add', { n: 3 });
      runtime.relay.wake();
      await eventually(() => replied.length === 2, 'both requests handled, each reply delivered');
      // Echo's replies went through the outbox-free path, signed as Echo.
      expect(replied.map((e) => e.data)).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }]));
      expect(replied.every((e) => e.source === 'urn:wow:agent:echo' && e.signature !== undefined)).toBe(true);
      await eventually(
        async () => (await bus.deadLetters.list({ group: 'security' })).length === 1,
        'the undeclared event refused',
      );
      const [refused] = await bus.deadLetters.list({ group: 'security' });
      expect(refused?.event).toMatchObject({ type: 'test.tally.add', source: 'urn:wow:agent:asker' });
      expect(refused?.error.data).toMatchObject({ reason: 'undeclared', group: 'tallies' });
      expect(tallied).toEqual([]);
      await host.stop({ timeoutMs: 5000 });
    } finally {
      await runtime.close();
    }
  }, 60_000);
});
