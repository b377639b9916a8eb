import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';

// The agent on the real runtime: the in-process bus and an embedded PostgreSQL.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
let agent: TestAgent;

beforeAll(async () => {
  agent = await startTestAgent({ agentsDir, id: 'wowanalytics', relayOutbox: true });
});

afterAll(async () => {
  await agent.stop();
});

describe('WowAnalytics', () => {
  it("Given a support.incident.opened event for an agent a customer's integration uses, when WowAnalytics handles it, then the customer's webhook is told of the incident once", async () => {
    const sent = await agent.publish({
      type: 'support.incident.opened',
      subject: 'acceptance-1',
      data: { given: "a support.incident.opened event for an agent a customer's integration uses" },
    });
    const announced = await agent.emitted(
      'support.incident.opened',
      (e) => (e.data as { cause?: string }).cause === sent.id,
    );
    expect(announced.subject).toBe('acceptance-1');
    expect(announced.data).toMatchObject({ causeType: 'support.incident.opened' });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from agent_health_minutes where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'support.incident.opened' }]);
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from support_incidents where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'support.incident.opened' }]);
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from support_customer_agents where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'support.incident.opened' }]);
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from support_incident_notices where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'support.incident.opened' }]);
    });
  });
});
