import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';

// The agent on the real runtime: the in-process bus and an embedded PostgreSQL.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
// The examples publish their Given as placeholder data, which the events' domain models do
// not describe: the check at publish warns. Publish the data the model describes
// (`wow domain show <domain>`) and remove `env` to check it strictly.
const env = { EVENT_SCHEMA_CHECK: 'warn' };
let agent: TestAgent;

beforeAll(async () => {
  agent = await startTestAgent({ agentsDir, id: 'wowscaling', relayOutbox: true, env });
});

afterAll(async () => {
  await agent.stop();
});

describe('WowScaling', () => {
  it("Given an agent at its maximum replicas whose consumer group's lag grows sample after sample, when WowScaling samples the agents for a sustained run, then it recommends a higher maximum within its bounds and announces scaling.recommended with the samples as evidence", async () => {
    const sent = await agent.publish({
      type: 'scaling.status',
      subject: 'acceptance-1',
      data: { given: "an agent at its maximum replicas whose consumer group's lag grows sample after sample" },
    });
    const announced = await agent.emitted(
      'scaling.recommended',
      (e) => (e.data as { cause?: string }).cause === sent.id,
    );
    expect(announced.subject).toBe('acceptance-1');
    expect(announced.data).toMatchObject({ causeType: 'scaling.status' });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from scaling_samples where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'scaling.status' }]);
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from scaling_recommendations where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'scaling.status' }]);
    });
  });
});
