import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';

// The agent on the real runtime: the in-process bus and an embedded PostgreSQL.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
let agent: TestAgent;

beforeAll(async () => {
  agent = await startTestAgent({ agentsDir, id: 'wowsecurity', relayOutbox: true });
});

afterAll(async () => {
  await agent.stop();
});

describe('WowSecurity', () => {
  it('Given a burst of security.violation events about one agent, when WowSecurity handles them, then one incident issue is opened for the burst', async () => {
    const sent = await agent.publish({
      type: 'security.violation',
      subject: 'acceptance-1',
      data: { given: 'a burst of security.violation events about one agent' },
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from security_violations where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'security.violation' }]);
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from security_incidents where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'security.violation' }]);
    });
  });
});
