import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';

// The agent on the real runtime: the in-process bus and an embedded PostgreSQL.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
let agent: TestAgent;

beforeAll(async () => {
  agent = await startTestAgent({ agentsDir, id: 'wowdomain', relayOutbox: true });
});

afterAll(async () => {
  await agent.stop();
});

describe('WowDomain', () => {
  it("Given a merged pull request that changes an event's schema in a domain model, when WowDomain handles it, then it emits domain.model.changed", async () => {
    const sent = await agent.publish({
      type: 'github.pull_request.closed',
      subject: 'acceptance-1',
      data: { given: "a merged pull request that changes an event's schema in a domain model" },
    });
    const announced = await agent.emitted(
      'domain.model.changed',
      (e) => (e.data as { cause?: string }).cause === sent.id,
    );
    expect(announced.subject).toBe('acceptance-1');
    expect(announced.data).toMatchObject({ causeType: 'github.pull_request.closed' });
  });
});
