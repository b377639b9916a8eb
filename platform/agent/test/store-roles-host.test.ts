import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../../bus/bus.ts';
import { createBus } from '../../bus/create-bus.ts';
import { createEvent } from '../../bus/envelope.ts';
import { loadConfig } from '../../config/load-config.ts';
import { createMetrics, type Metrics } from '../../metrics/metrics.ts';
import { createStore } from '../../store/create-store.ts';
import { migrate, migrationDirs, platformRoot } from '../../store/migrate.ts';
import type { Store } from '../../store/store.ts';
import { quietLog, testBusDefaults } from '../../testing/index.ts';
import { closeAndDropSchema, testDatabaseUrl, uniqueName } from '../../../test/support/servers.ts';
import { createAgentHost, type AgentHost } from '../create-agent-host.ts';

const agentsDir = new URL('../../../test/fixtures/store-agents', import.meta.url).pathname;

interface Outcome {
  ok: boolean;
  code?: string;
  message?: string;
  rows?: unknown[];
}

/**
 * The runtime as it runs agents, on the real server: Prowler (store:read, its notes, and the
 * ledger declared in `uses`) tries each thing its manifest does not grant through its own
 * `ctx.store`, beside Ledger, which writes its own table.
 */
describe('agents on their store roles, hosted on PostgreSQL', () => {
  let store: Store;
  let bus: Bus;
  let host: AgentHost;
  let metrics: Metrics;
  const tryAs = (sql: string) =>
    bus.request<Outcome>(createEvent({ type: 'test.prowl.try', data: { sql }, source: 'urn:wow:test' }), {
      timeoutMs: 5000,
    });

  beforeAll(async () => {
    store = await createStore({
      url: testDatabaseUrl,
      dataDir: '.data',
      poolMax: 4,
      schema: uniqueName('hostroles'),
      log: quietLog,
    });
    const dirs = [...(await migrationDirs(platformRoot)), ...(await migrationDirs(platformRoot, agentsDir))];
    await migrate(store, { log: quietLog, dirs });
    bus = await createBus({ streamMaxLen: 1000, defaults: testBusDefaults, log: quietLog });
    metrics = createMetrics({ defaultMetrics: false });
    host = await createAgentHost({ config: loadConfig({}), bus, store, log: quietLog, metrics, agentsDir });
    await host.start();
  });
  afterAll(async () => {
    await host.stop({ timeoutMs: 1000 });
    await bus.close();
    await closeAndDropSchema(store);
  });

  it('lets each agent do what its manifest grants', async () => {
    const added = await bus.request<{ id: number }>(
      createEvent({ type: 'test.ledger.add', data: {}, source: 'urn:wow:test' }),
      { timeoutMs: 5000 },
    );
    expect(added.id).toBeGreaterThan(0);
    expect(await tryAs('select count(*)::int as n from ledger_entries')).toEqual({ ok: true, rows: [{ n: 1 }] });
    expect(await tryAs('select count(*)::int as n from prowler_notes')).toEqual({ ok: true, rows: [{ n: 0 }] });
  });

  it.each([
    ['inserts without store:write', 'insert into prowler_notes (id) values (1)', 'prowler_notes'],
    ["writes another agent's table", "insert into ledger_entries (event_id) values ('forged')", 'ledger_entries'],
    ["deletes another agent's rows", 'delete from ledger_entries', 'ledger_entries'],
    ['reads a platform table it did not declare', 'select id from agents', 'agents'],
    ['reads the outbox', 'select * from outbox', 'outbox'],
    ["reads another agent's processed messages", 'select * from processed_messages', 'processed_messages'],
  ])('is refused when it %s, by name', async (_what, sql, table) => {
    const outcome = await tryAs(sql);
    expect(outcome).toMatchObject({ ok: false, code: 'WOW_ERR_STORE_FORBIDDEN' });
    expect(outcome.message).toContain('Agent "prowler"');
    expect(outcome.message).toContain(table);
  });

  it('counts each refusal as a security violation and leaves the tables as they were', async () => {
    expect(await metrics.metricsText()).toMatch(/wow_security_violations_total\{kind="store_forbidden"\} [1-9]/);
    const { rows } = await store.query<{ n: number }>('select count(*)::int as n from ledger_entries');
    expect(rows).toEqual([{ n: 1 }]);
  });
});
