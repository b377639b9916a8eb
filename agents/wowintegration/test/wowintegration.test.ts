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
  agent = await startTestAgent({ agentsDir, id: 'wowintegration', relayOutbox: true, env });
});

afterAll(async () => {
  await agent.stop();
});

describe('WowIntegration', () => {
  it("Given a connector whose access token has expired so that its deliveries fail, when WowIntegration is asked to refresh the connector's credential, then the credential is refreshed, the failed deliveries are retried and succeed, and the credential reports healthy", async () => {
    const sent = await agent.publish({
      type: 'integration.credentials.health',
      subject: 'acceptance-1',
      data: { given: 'a connector whose access token has expired so that its deliveries fail' },
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from integration_credentials where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'integration.credentials.health' }]);
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from integration_deliveries where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'integration.credentials.health' }]);
    });
  });
});
