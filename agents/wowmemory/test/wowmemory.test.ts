import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';

// The agent on the real runtime: the in-process bus and an embedded PostgreSQL.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
let agent: TestAgent;

beforeAll(async () => {
  agent = await startTestAgent({ agentsDir, id: 'wowmemory', relayOutbox: true });
});

afterAll(async () => {
  await agent.stop();
});

describe('WowMemory', () => {
  it("Given a support.ticket.solved event for a customer's ticket, when WowMemory handles it, then the customer's memory holds the ticket's outcome as a fact", async () => {
    const sent = await agent.publish({
      type: 'support.ticket.solved',
      subject: 'acceptance-1',
      data: { given: "a support.ticket.solved event for a customer's ticket" },
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from memory_facts where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'support.ticket.solved' }]);
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from memory_messages where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'support.ticket.solved' }]);
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from memory_recall where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'support.ticket.solved' }]);
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from memory_evictions where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'support.ticket.solved' }]);
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from memory_features where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'support.ticket.solved' }]);
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from memory_embeddings where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'support.ticket.solved' }]);
    });
  });
});
