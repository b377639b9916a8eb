import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';

// The agent on the real runtime: the in-process bus and an embedded PostgreSQL.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
let agent: TestAgent;

beforeAll(async () => {
  agent = await startTestAgent({ agentsDir, id: 'wownotification', relayOutbox: true });
});

afterAll(async () => {
  await agent.stop();
});

describe('WowNotification', () => {
  it('Given a support.message.outbound event for a ticket whose customer has a webhook, when WowNotification handles it, then it emits support.message.delivered', async () => {
    const sent = await agent.publish({
      type: 'support.message.outbound',
      subject: 'acceptance-1',
      data: { given: 'a support.message.outbound event for a ticket whose customer has a webhook' },
    });
    const announced = await agent.emitted(
      'support.message.delivered',
      (e) => (e.data as { cause?: string }).cause === sent.id,
    );
    expect(announced.subject).toBe('acceptance-1');
    expect(announced.data).toMatchObject({ causeType: 'support.message.outbound' });
  });
});
