import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startIntegration, type IntegrationUnderTest } from './support/start-integration.ts';

// The retry schedule every 100 ms: what an outage kept goes out once the API is back, while
// an expired credential's deliveries wait for integration.credential.refresh.
let under: IntegrationUnderTest;
beforeAll(async () => {
  under = await startIntegration({ WOWINTEGRATION_RETRY_INTERVAL_MS: '100' });
  await under.save(client);
}, 60_000);
afterAll(async () => {
  await under.stop();
});

describe('WowIntegration’s retry schedule', () => {
  it('sends a delivery kept through an outage again once the API answers', async () => {
    under.api.failNext(2);
    const id = await under.openTicket();
    await under.agent.eventually(async () =>
      expect(await under.delivery(id)).toMatchObject({
        state: 'delivered',
        attempts: 3,
        last_error: 'HTTP 503 SERVER_UNAVAILABLE',
      }),
    );
  });

  it('leaves an expired credential’s deliveries for the refresh', async () => {
    under.oauth.expireAccessTokens();
    const id = await under.openTicket();
    await under.agent.eventually(async () => expect(await under.delivery(id)).toMatchObject({ state: 'failed' }));
    const refused = under.api.refused;
    // A run of the schedule has finished since the delivery was kept, and did not send it.
    await under.agent.eventually(async () => {
      const { rows } = await under.agent.store.query(
        `select 1 from agent_schedules s, integration_deliveries d
         where s.agent_id = 'wowintegration' and s.name = 'retry' and s.last_error is null
           and d.event_id = $1 and s.last_finished_at > d.updated_at`,
        [id],
      );
      expect(rows).toHaveLength(1);
    });
    expect(under.api.refused).toBe(refused);
    expect(await under.delivery(id)).toMatchObject({ state: 'failed', last_error: 'HTTP 401 INVALID_SESSION_ID' });
  });
});
