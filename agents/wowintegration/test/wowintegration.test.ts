import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialHealth, CredentialRefreshReply } from '../src/index.ts';
import { client, startIntegration, type IntegrationUnderTest } from './support/start-integration.ts';

// The agent on the real runtime against the OAuth2 and API doubles (support/start-integration.ts).
let under: IntegrationUnderTest;
beforeAll(async () => {
  under = await startIntegration();
}, 60_000);
afterAll(async () => {
  await under.stop();
});

const save = (secrets: { clientId: string; clientSecret: string }) => under.save(secrets);
const openTicket = (source?: string) => under.openTicket(source);
const delivery = (eventId: string) => under.delivery(eventId);

const health = (data: object = { integration: 'generic-oauth2' }) =>
  under.agent.request<{ credentials: CredentialHealth[] }>({ type: 'integration.credentials.health', data });
const refresh = () =>
  under.agent.request<CredentialRefreshReply>({
    type: 'integration.credential.refresh',
    data: { integration: 'generic-oauth2' },
  });

describe('WowIntegration', () => {
  it('reports a connector with no credential as missing', async () => {
    expect((await health({ integration: 'crm-idle' })).credentials).toEqual([
      expect.objectContaining({ integration: 'crm-idle', state: 'missing', failedDeliveries: 0 }),
    ]);
  });

  it('refuses a wrong client secret: the refresh answers why, and the credential is failing', async () => {
    await save({ clientId: client.clientId, clientSecret: 'not-the-secret' });
    const reply = await refresh();
    expect(reply).toMatchObject({ refreshed: false, retried: 0 });
    expect(reply.problem).toMatch(/HTTP 401 invalid_client/);
    expect((await health({ integration: 'generic-oauth2' })).credentials[0]).toMatchObject({
      state: 'failing',
      consecutiveFailures: 1,
    });
  });

  it(
    'Given a connector whose access token has expired so that its deliveries fail, ' +
      'when WowIntegration is asked to refresh the connector’s credential, then the credential is refreshed, ' +
      'the failed deliveries are retried and succeed, and the credential reports healthy',
    async () => {
      await save(client);
      const first = await openTicket('urn:wow:agent:wowsupport');
      await under.agent.eventually(async () =>
        expect(await delivery(first)).toMatchObject({ state: 'delivered', attempts: 1 }),
      );
      // Sent to the connector with a credential; nothing sent or kept for the one without.
      const idle = await under.agent.store.query("select 1 from integration_deliveries where integration = 'crm-idle'");
      expect(idle.rows).toEqual([]);
      // Client credentials, Basic authentication, the connector's scope; the whole event as the body.
      expect(under.oauth.grants.at(-1)).toEqual({
        grantType: 'client_credentials',
        clientAuth: 'basic',
        scope: 'events.write',
      });
      expect(under.api.records.at(-1)?.fields).toMatchObject({
        specversion: '1.0',
        id: first,
        type: 'support.ticket.opened',
      });
      const [before] = (await health()).credentials;
      expect(before).toMatchObject({ state: 'healthy', failedDeliveries: 0 });
      expect(Date.parse(before?.expiresAt ?? '')).toBeGreaterThan(Date.now());

      under.oauth.expireAccessTokens();
      const second = await openTicket();
      await under.agent.eventually(async () =>
        expect(await delivery(second)).toMatchObject({ state: 'failed', last_error: 'HTTP 401 INVALID_SESSION_ID' }),
      );
      expect((await health()).credentials[0]).toMatchObject({ state: 'expired', failedDeliveries: 1 });

      expect(await refresh()).toMatchObject({ refreshed: true, retried: 1, succeeded: 1, problem: null });
      expect((await health()).credentials[0]).toMatchObject({
        state: 'healthy',
        failedDeliveries: 0,
        consecutiveFailures: 0,
      });
      expect([...under.oauth.violations, ...under.api.violations]).toEqual([]);
    },
  );

  it('answers for the connectors that carried an agent’s events', async () => {
    expect((await health({ agent: 'wowsupport' })).credentials.map((c) => c.integration)).toEqual(['generic-oauth2']);
    expect((await health({ agent: 'wowanalytics' })).credentials).toEqual([]);
    expect((await health({ agent: 'wowintegration' })).credentials.map((c) => c.integration)).toEqual([
      'crm-idle',
      'generic-oauth2',
    ]);
  });

  it('sends each kept delivery once when two refreshes run at once: each claims what it sends again', async () => {
    under.oauth.expireAccessTokens();
    const kept = [await openTicket()];
    await under.agent.eventually(async () => expect(await delivery(kept[0] ?? '')).toMatchObject({ state: 'failed' }));
    kept.push(await openTicket(), await openTicket());
    for (const id of kept)
      await under.agent.eventually(async () => expect(await delivery(id)).toMatchObject({ state: 'failed' }));
    const replies = await Promise.all([refresh(), refresh()]);
    expect(replies.map((r) => r.refreshed)).toEqual([true, true]);
    expect(replies.reduce((n, r) => n + r.retried, 0)).toBe(3);
    expect(replies.reduce((n, r) => n + r.succeeded, 0)).toBe(3);
    for (const id of kept) {
      expect(under.api.records.filter((r) => r.fields['id'] === id)).toHaveLength(1);
      expect(await delivery(id)).toMatchObject({ state: 'delivered' });
    }
  });

  it('retries an API failing for a moment with backoff, and opens the circuit on one that keeps failing', async () => {
    under.api.failNext(1);
    const blip = await openTicket();
    await under.agent.eventually(async () =>
      expect(await delivery(blip)).toMatchObject({ state: 'delivered', attempts: 2 }),
    );

    under.api.failNext(1000);
    const down = [await openTicket()];
    await under.agent.eventually(async () =>
      expect(await delivery(down[0] ?? '')).toMatchObject({ state: 'failed', attempts: 2 }),
    );
    down.push(await openTicket());
    await under.agent.eventually(async () => expect(await delivery(down[1] ?? '')).toMatchObject({ state: 'failed' }));
    // Three failures in a row open the circuit: the next delivery is kept without reaching the API.
    const reached = under.api.requests;
    const third = await openTicket();
    await under.agent.eventually(async () =>
      expect(await delivery(third)).toMatchObject({
        state: 'failed',
        attempts: 0,
        last_error: 'circuit open: the API failed too often',
      }),
    );
    expect(under.api.requests).toBe(reached);
  });
});
