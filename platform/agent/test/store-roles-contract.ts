import { grantPlatformActions } from '../grant-platform-actions.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus } from '../../bus/create-bus.ts';
import type { Bus } from '../../bus/bus.ts';
import { createCache } from '../../cache/create-cache.ts';
import { loadConfig } from '../../config/load-config.ts';
import { isWowError } from '../../errors/define-errors.ts';
import { createMetrics, type Metrics, type SecurityViolationKind } from '../../metrics/metrics.ts';
import { migrate } from '../../store/migrate.ts';
import type { Store } from '../../store/store.ts';
import { quietLog, testBusDefaults } from '../../testing/index.ts';
import { createAgentStore } from '../create-agent-store.ts';
import { createSetupContext } from '../create-agent-context.ts';
import { grantServices } from '../grant-capabilities.ts';
import { createCommunication } from '../../communication/create-communication.ts';
import { manifestSchema, type AgentManifest } from '../manifest-schema.ts';
import { provisionAgentRole } from '../provision-agent-role.ts';

/** Agents as their manifests say, each trying what it may and what it may not. */
const manifest = (m: { id: string; capabilities?: string[]; stores?: string[]; uses?: string[]; emits?: string[] }) =>
  manifestSchema.parse({ name: m.id, version: '1.0.0', description: 'A store test agent.', wakesOn: ['test.x'], ...m });

const keeper = manifest({
  id: 'role-keeper',
  capabilities: ['store:write'],
  stores: ['keeper_notes'],
  emits: ['test.note.kept'],
});
const reader = manifest({
  id: 'role-reader',
  capabilities: ['store:read'],
  stores: ['reader_notes'],
  uses: ['keeper_notes'],
});
const intruder = manifest({ id: 'role-intruder', capabilities: ['store:write'], stores: ['intruder_notes'] });
const nobody = manifest({ id: 'role-nobody' });

/**
 * `ctx.store` as each agent's own PostgreSQL role, against one database: what its manifest
 * grants passes, everything else is a named refusal counted as a security violation.
 * The same suite runs on the real server and on the embedded one.
 */
export function describeStoreRolesContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`agent store roles: ${name}`, () => {
    let store: Store;
    let bus: Bus;
    const violations: SecurityViolationKind[] = [];
    const metrics: Metrics = {
      ...createMetrics({ defaultMetrics: false }),
      securityViolation: (kind) => violations.push(kind),
    };
    const storeOf = (m: AgentManifest) => createAgentStore(store, { manifest: m, metrics });
    const refusal = async (run: Promise<unknown>) => {
      const err: unknown = await run.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, 'expected a refusal').toBeInstanceOf(Error);
      return err as Error;
    };

    beforeAll(async () => {
      store = await makeStore();
      await migrate(store, { log: quietLog });
      await store.query('create table keeper_notes (id serial primary key, body text not null)');
      await store.query('create table reader_notes (id int primary key)');
      await store.query('create table intruder_notes (id int primary key)');
      for (const m of [keeper, reader, intruder, nobody]) await provisionAgentRole(store, m);
      bus = await createBus({ streamMaxLen: 1000, defaults: testBusDefaults, log: quietLog });
    });
    afterAll(async () => {
      await bus.close();
      await store.close();
    });

    it('lets an agent with store:write read and change its own tables, serial ids included', async () => {
      const notes = storeOf(keeper);
      await notes.query("insert into keeper_notes (body) values ('first')");
      await notes.transaction(async (tx) => {
        await tx.query("insert into keeper_notes (body) values ('second')");
        await tx.query("update keeper_notes set body = 'first, edited' where body = 'first'");
      });
      const { rows } = await notes.query('select body from keeper_notes order by id');
      expect(rows).toEqual([{ body: 'first, edited' }, { body: 'second' }]);
      await notes.session(async (conn) => {
        expect((await conn.query('select count(*)::int as n from keeper_notes')).rows).toEqual([{ n: 2 }]);
      });
    });

    it('lets an agent read what `uses` declares, and refuses it any write without store:write', async () => {
      const notes = storeOf(reader);
      expect((await notes.query('select count(*)::int as n from keeper_notes')).rows).toEqual([{ n: 2 }]);
      expect((await notes.query('select count(*)::int as n from reader_notes')).rows).toEqual([{ n: 0 }]);
      violations.length = 0;
      for (const sql of [
        'insert into reader_notes (id) values (1)',
        "insert into keeper_notes (body) values ('from reader')",
        'delete from keeper_notes',
      ]) {
        const err = await refusal(notes.query(sql));
        expect(isWowError(err, 'WOW_ERR_STORE_FORBIDDEN'), err.message).toBe(true);
        expect(err.message).toContain('Agent "role-reader"');
        expect(err.message).toContain('store:read');
      }
      expect(violations).toEqual(['store_forbidden', 'store_forbidden', 'store_forbidden']);
    });

    it("refuses another agent's tables and the platform's, naming the agent and the table", async () => {
      const notes = storeOf(intruder);
      await notes.query('insert into intruder_notes (id) values (1)');
      violations.length = 0;
      const tries = [
        ['select * from keeper_notes', 'keeper_notes'],
        ["insert into keeper_notes (body) values ('planted')", 'keeper_notes'],
        ['update reader_notes set id = 2', 'reader_notes'],
        ['select * from agents', 'agents'],
        ['select * from identity_keys', 'identity_keys'],
        ['select * from processed_messages', 'processed_messages'],
        ["insert into outbox (event) values ('{}')", 'outbox'],
      ] as const;
      for (const [sql, table] of tries) {
        const err = await refusal(notes.transaction((tx) => tx.query(sql)));
        expect(isWowError(err, 'WOW_ERR_STORE_FORBIDDEN'), `${sql}: ${err.message}`).toBe(true);
        expect(err.message).toContain('Agent "role-intruder"');
        expect(err.message).toContain(table);
      }
      expect(violations).toEqual(tries.map(() => 'store_forbidden'));
      expect((await store.query("select count(*)::int as n from keeper_notes where body = 'planted'")).rows).toEqual([
        { n: 0 },
      ]);
    });

    it('refuses every statement of an agent without a store capability, before it runs', async () => {
      violations.length = 0;
      const notes = storeOf(nobody);
      // Each started only when awaited: a refusal nobody waits for yet is an unhandled rejection.
      for (const run of [
        () => notes.query('select 1'),
        () => notes.transaction((tx) => tx.query('select 1')),
        () => notes.session((conn) => conn.query('select 1')),
      ]) {
        const err = await refusal(run());
        expect(isWowError(err, 'WOW_ERR_CAPABILITY_MISSING'), err.message).toBe(true);
        expect(err.message).toContain('Agent "role-nobody" used the store');
      }
      expect(violations).toEqual(['capability_missing', 'capability_missing', 'capability_missing']);
    });

    it('leaves no pooled connection in an agent role, after a refusal as after success', async () => {
      const notes = storeOf(intruder);
      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          i % 2 === 0 ? notes.query('select 1') : refusal(notes.query('select * from keeper_notes')),
        ),
      );
      const users = await Promise.all(
        Array.from({ length: 6 }, () =>
          store.query<{ current_user: string; session_user: string }>('select current_user, session_user'),
        ),
      );
      for (const { rows } of users) expect(rows[0]?.current_user).toBe(rows[0]?.session_user);
    });

    it('keeps ctx.once, ctx.emit in a transaction and ctx.agents the platform’s, around the agent’s own writes', async () => {
      const ctx = createSetupContext(
        {
          manifest: keeper,
          config: loadConfig({ LOG_LEVEL: 'silent' }),
          bus,
          store: storeOf(keeper),
          platformStore: store,
          log: quietLog,
          metrics,
          communication: createCommunication({ manifests: [keeper] }),
          cache: (await createCache({ log: quietLog })).namespace(keeper.id),
          platform: grantPlatformActions(keeper, { deadLetters: bus.deadLetters, store, identity: undefined, metrics }),
          ...grantServices(keeper, { github: undefined, llm: undefined, metrics }),
        },
        undefined,
      );
      const effect = async () =>
        ctx.once('note-3', async (tx) => {
          await tx.query("insert into keeper_notes (body) values ('third')");
          await ctx.emit({ type: 'test.note.kept', data: { body: 'third' } }, { tx });
          const registry = await ctx.agents(tx);
          // Back in the agent's role after the platform's steps: the outbox stays out of reach.
          const err = await refusal(tx.query('select * from outbox'));
          expect(isWowError(err, 'WOW_ERR_STORE_FORBIDDEN')).toBe(true);
          return registry.length;
        });
      // The refusal aborted the transaction, so nothing of it stays; a clean run is kept once.
      await refusal(effect());
      expect((await store.query("select count(*)::int as n from keeper_notes where body = 'third'")).rows).toEqual([
        { n: 0 },
      ]);
      const once = () =>
        ctx.once('note-4', async (tx) => {
          await tx.query("insert into keeper_notes (body) values ('fourth')");
          await ctx.emit({ type: 'test.note.kept', data: { body: 'fourth' } }, { tx });
          return (await ctx.agents(tx)).length;
        });
      expect(await once()).toBe(await once());
      expect((await store.query("select count(*)::int as n from keeper_notes where body = 'fourth'")).rows).toEqual([
        { n: 1 },
      ]);
      const outbox = await store.query<{ n: number }>(
        "select count(*)::int as n from outbox where event->>'type' = 'test.note.kept'",
      );
      expect(outbox.rows).toEqual([{ n: 1 }]);
    });

    it('revokes what a manifest no longer grants when the role is provisioned again', async () => {
      const demoted = { ...keeper, capabilities: ['store:read'] };
      await provisionAgentRole(store, demoted);
      try {
        const err = await refusal(storeOf(demoted).query("insert into keeper_notes (body) values ('after')"));
        expect(isWowError(err, 'WOW_ERR_STORE_FORBIDDEN')).toBe(true);
        expect(
          (await storeOf(demoted).query('select count(*)::int as n from keeper_notes')).rows[0]?.n,
        ).toBeGreaterThan(0);
      } finally {
        await provisionAgentRole(store, keeper);
      }
    });

    it('refuses a `uses` entry that is missing, the platform’s own, or a write without store:write', async () => {
      const cases = [
        [manifest({ id: 'role-lost', capabilities: ['store:read'], uses: ['no_such_table'] }), 'no table or view'],
        [manifest({ id: 'role-keys', capabilities: ['store:read'], uses: ['identity_keys'] }), 'kept by the platform'],
        [manifest({ id: 'role-registry', capabilities: ['store:write'], uses: ['agents:write'] }), 'agents only read'],
        [manifest({ id: 'role-scribe', capabilities: ['store:read'], uses: ['keeper_notes:write'] }), 'store:write'],
        [manifest({ id: 'role-silent', uses: ['keeper_notes'] }), 'store capability'],
      ] as const;
      for (const [m, problem] of cases) {
        const err = await refusal(provisionAgentRole(store, m));
        expect(isWowError(err, 'WOW_ERR_AGENT_USES'), err.message).toBe(true);
        expect(err.message).toContain(problem);
      }
      await provisionAgentRole(store, manifest({ id: 'role-watcher', capabilities: ['store:read'], uses: ['agents'] }));
    });
  });
}
