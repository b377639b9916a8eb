import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';

// The agent on the real runtime: the in-process bus and an embedded PostgreSQL.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
let agent: TestAgent;

beforeAll(async () => {
  agent = await startTestAgent({ agentsDir, id: 'wowevent', relayOutbox: true });
});

afterAll(async () => {
  await agent.stop();
});

describe('WowEvent', () => {
  it('Given an events.history request for an agent that sent events, when WowEvent handles it, then it replies with those events, newest first', async () => {
    const sent = await agent.publish({
      type: 'events.history',
      subject: 'acceptance-1',
      data: { given: 'an events.history request for an agent that sent events' },
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from event_archive where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'events.history' }]);
    });
  });
});
