import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';
import { agentSetups, type AgentSetup } from '../../../test/support/agent-setups.ts';
import { createMemory, memorySettings } from '../src/index.ts';

// The agent on the real runtime, over the embedded defaults (an embedded PostgreSQL, the
// in-process bus) and over the real servers (PostgreSQL, the bus on Redis).
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));

describe.each(agentSetups)('WowMemory on %s', (_name, openRuntime) => {
  let runtime: AgentSetup;
  let agent: TestAgent;

  beforeAll(async () => {
    runtime = await openRuntime('wowmemory');
    agent = await startTestAgent({
      agentsDir,
      id: 'wowmemory',
      relayOutbox: true,
      // The expiry sweep at its shortest, to see it run.
      env: { WOWMEMORY_SWEEP_MS: '1000' },
      memory: (store) => createMemory(store, { settings: memorySettings.parse({}) }),
      postgres: runtime.postgres,
      redis: runtime.redis,
    });
  });

  afterAll(async () => {
    await agent.stop();
    await runtime.drop();
  });

  it(
    "Given a support.ticket.solved event for a customer's ticket, when WowMemory handles it, " +
      "then the customer's memory holds the ticket's outcome as a fact",
    async () => {
      const ticketId = randomUUID();
      const sent = await agent.publish({
        type: 'support.ticket.solved',
        subject: ticketId,
        customer: 'acme',
        data: { ticketId, why: 'answered from kb:reset-api-key' },
      });
      await agent.eventually(async () => {
        const { rows } = await agent.store.query<{ value: unknown; agent: string; event_id: string }>(
          `select value, agent, event_id from memory_facts where owner_kind = 'customer' and owner = 'acme' and key = $1`,
          [`support.solved.${ticketId}`],
        );
        expect(rows).toEqual([
          { value: { ticketId, why: 'answered from kb:reset-api-key' }, agent: 'wowmemory', event_id: sent.id },
        ]);
      });
    },
  );

  it('remembers nothing of a solved ticket whose event names no customer', async () => {
    const ticketId = randomUUID();
    await agent.publish({ type: 'support.ticket.solved', subject: ticketId, data: { ticketId, why: 'spam' } });
    const marker = randomUUID();
    await agent.publish({
      type: 'support.ticket.solved',
      subject: marker,
      customer: 'acme',
      data: { ticketId: marker, why: 'after' },
    });
    // Deliveries are handled in order here: once the later one is remembered, the earlier was handled.
    await agent.eventually(async () => {
      const { rows } = await agent.store.query('select 1 from memory_facts where key = $1', [
        `support.solved.${marker}`,
      ]);
      expect(rows).toHaveLength(1);
    });
    const { rows } = await agent.store.query('select 1 from memory_facts where key = $1', [
      `support.solved.${ticketId}`,
    ]);
    expect(rows).toEqual([]);
  });

  it('sweeps expired facts on its schedule, and keeps the rest', async () => {
    await agent.store.query(
      `insert into memory_facts (owner_kind, owner, key, value, bytes, agent, expires_at) values
         ('customer', 'acme', 'otp.expired', 'true', 4, 'wowsupport', now() - interval '1 minute'),
         ('customer', 'acme', 'otp.live', 'true', 4, 'wowsupport', now() + interval '1 hour')`,
    );
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ key: string }>(
        `select key from memory_facts where key like 'otp.%' order by key`,
      );
      expect(rows).toEqual([{ key: 'otp.live' }]);
    });
  });
});
