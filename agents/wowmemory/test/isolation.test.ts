import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWowError, type CloudEvent } from '#platform';
import { startTestAgent, type TestAgent } from '#platform/testing';
import { createMemory, memorySettings } from '../src/index.ts';
import { agentSetups, type AgentSetup } from '../../../test/support/agent-setups.ts';

// A fixture agent (test/fixtures/memory-agents/keeper) on the real host with WowMemory's
// memory, over the embedded defaults (an embedded PostgreSQL, the in-process bus) and over the
// real servers (PostgreSQL, the bus on Redis): it reads and writes what each probe asks, and
// the platform decides which customer's memory it may reach. The same contract on both.
const agentsDir = fileURLToPath(new URL('../../../test/fixtures/memory-agents', import.meta.url));

describe.each(agentSetups)('ctx.memory isolation on %s', (_name, openRuntime) => {
  let runtime: AgentSetup;
  let agent: TestAgent;

  beforeAll(async () => {
    runtime = await openRuntime('memiso');
    agent = await startTestAgent({
      agentsDir,
      id: 'keeper',
      memory: (store) => createMemory(store, { settings: memorySettings.parse({}) }),
      postgres: runtime.postgres,
      redis: runtime.redis,
    });
    // Globex's memory, which no probe for Acme may reach.
    await agent.store.query(
      `insert into memory_facts (owner_kind, owner, key, value, bytes, agent) values ('customer', 'globex', 'note', '"secret"', 8, 'wowsupport')`,
    );
  });

  afterAll(async () => {
    await agent.stop();
    await runtime.drop();
  });

  async function probe(
    data: Record<string, unknown>,
    customer?: string,
  ): Promise<{ outcome: unknown; result: CloudEvent; probeId: string }> {
    const sent = await agent.publish({ type: 'test.memory.probe', customer, data });
    const result = await agent.emitted('test.memory.result', (e) => (e.data as { probe?: string }).probe === sent.id);
    return { outcome: (result.data as { outcome: unknown }).outcome, result, probeId: sent.id };
  }

  it("lets an agent handling Acme's work write and read Acme's memory, stamped with the agent and the event", async () => {
    const { outcome, result, probeId } = await probe({ op: 'write', text: 'We are on the Pro plan' }, 'acme');
    expect(outcome).toEqual({ wrote: 'acme' });
    // What it emits while doing Acme's work is Acme's work too.
    expect(result.customer).toBe('acme');
    const { rows } = await agent.store.query<{ value: unknown; agent: string; event_id: string }>(
      `select value, agent, event_id from memory_facts where owner_kind = 'customer' and owner = 'acme' and key = 'note'`,
    );
    expect(rows).toEqual([{ value: 'We are on the Pro plan', agent: 'keeper', event_id: probeId }]);
    expect((await probe({ op: 'read' }, 'acme')).outcome).toEqual({
      read: 'We are on the Pro plan',
      history: ['We are on the Pro plan'],
    });
    expect((await probe({ op: 'read', asked: 'acme' }, 'acme')).outcome).toMatchObject({
      read: 'We are on the Pro plan',
    });
  });

  it("refuses an agent handling Acme's work Globex's memory, to read and to write, and leaves it untouched", async () => {
    expect((await probe({ op: 'read', asked: 'globex' }, 'acme')).outcome).toEqual({
      refused: 'WOW_ERR_MEMORY_OTHER_CUSTOMER',
    });
    expect((await probe({ op: 'write', asked: 'globex', text: 'overwritten' }, 'acme')).outcome).toEqual({
      refused: 'WOW_ERR_MEMORY_OTHER_CUSTOMER',
    });
    const { rows } = await agent.store.query<{ key: string; value: unknown }>(
      `select key, value from memory_facts where owner_kind = 'customer' and owner = 'globex'`,
    );
    expect(rows).toEqual([{ key: 'note', value: 'secret' }]);
    const { rows: history } = await agent.store.query(
      `select 1 from memory_messages where owner_kind = 'customer' and owner = 'globex'`,
    );
    expect(history).toEqual([]);
  });

  it("refuses to start Globex's work from Acme's: an event naming another customer is not emitted", async () => {
    expect((await probe({ op: 'emit', asked: 'globex' }, 'acme')).outcome).toEqual({
      refused: 'WOW_ERR_MEMORY_OTHER_CUSTOMER',
    });
    expect(agent.events.filter((e) => e.customer === 'globex')).toEqual([]);
  });

  it('refuses any customer’s memory to a delivery that names no customer', async () => {
    expect((await probe({ op: 'read' })).outcome).toEqual({ refused: 'WOW_ERR_MEMORY_NO_CUSTOMER' });
    expect((await probe({ op: 'read', asked: 'acme' })).outcome).toEqual({ refused: 'WOW_ERR_MEMORY_NO_CUSTOMER' });
  });

  it('refuses any customer’s memory to a schedule, which keeps only its own', async () => {
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ value: unknown; event_id: string | null }>(
        `select value, event_id from memory_facts where owner_kind = 'agent' and owner = 'keeper' and key = 'schedule.refusal'`,
      );
      expect(rows).toEqual([{ value: 'WOW_ERR_MEMORY_NO_CUSTOMER', event_id: null }]);
    });
  });

  it("keeps the agent's own memory under its id, apart from every customer's", async () => {
    const { rows } = await agent.store.query<{ value: unknown }>(
      `select value from memory_facts where owner_kind = 'agent' and owner = 'keeper' and key = 'last.customer'`,
    );
    expect(rows).toEqual([{ value: 'acme' }]);
  });

  it("remembers inside ctx.once's transaction when given it: kept with the effect, rolled back with it", async () => {
    expect((await probe({ op: 'once', text: 'fail' }, 'initech')).outcome).toEqual({ rolledBack: true });
    const left = () =>
      agent.store.query(`select 1 from memory_facts where owner_kind = 'customer' and owner = 'initech'
                         union all select 1 from memory_messages where owner_kind = 'customer' and owner = 'initech'`);
    expect((await left()).rows).toEqual([]);
    expect((await probe({ op: 'once', text: 'kept' }, 'initech')).outcome).toEqual({ wrote: 'once' });
    expect((await left()).rows).toHaveLength(2);
  });

  it('refuses an envelope whose customer is not a slug', async () => {
    const refused = await agent.publish({ type: 'test.memory.probe', customer: 'Acme Inc', data: { op: 'read' } }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isWowError(refused, 'WOW_ERR_EVENT_INVALID')).toBe(true);
  });
});
