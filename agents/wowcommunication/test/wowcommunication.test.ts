import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';

// The agent on the real runtime: the in-process bus and an embedded PostgreSQL.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
let agent: TestAgent;

beforeAll(async () => {
  agent = await startTestAgent({ agentsDir, id: 'wowcommunication', relayOutbox: true });
});

afterAll(async () => {
  await agent.stop();
});

describe('WowCommunication', () => {
  it('Given a communication.protocols.map request, when WowCommunication handles it, then it replies with each request type, the agent answering it and the agents asking it', async () => {
    const sent = await agent.publish({
      type: 'communication.protocols.map',
      subject: 'acceptance-1',
      data: { given: 'a communication.protocols.map request' },
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from communication_circuits where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'communication.protocols.map' }]);
    });
  });
});
