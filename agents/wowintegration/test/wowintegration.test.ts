import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentSecretBox, createIdentity, loadConfig, type Identity } from '#platform';
import { quietLog, startTestAgent, type TestAgent } from '#platform/testing';
import { startOAuth2Double, type OAuth2Double } from '../../../test/doubles/oauth2-token-endpoint.ts';
import { startSalesforceDouble, type SalesforceDouble } from '../../../test/doubles/salesforce-api.ts';
import { testMasterKey } from '../../../test/support/sign-as.ts';
import { saveCredential, type CredentialHealth, type CredentialRefreshReply } from '../src/index.ts';

// The agent on the real runtime (the in-process bus and an embedded PostgreSQL), with the
// repository's generic OAuth2 connector pointed at an OAuth2 double (client credentials,
// Basic client authentication, a scope) and an API double; its breaker and retries small.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const connectorFile = fileURLToPath(new URL('../../../integrations/generic-oauth2/connector.yml', import.meta.url));
const client = { clientId: 'generic-client', clientSecret: 'generic-secret-0123456789' };
const cleanups: (() => Promise<void>)[] = [];
let oauth: OAuth2Double;
let api: SalesforceDouble;
let agent: TestAgent;
let identity: Identity | undefined;

beforeAll(async () => {
  oauth = await startOAuth2Double({ ...client, scopes: ['events.write'], expiresIn: 3600 });
  api = await startSalesforceDouble({ isValid: (token) => oauth.isValid(token) });
  cleanups.push(
    () => oauth.close(),
    () => api.close(),
  );
  const dir = await mkdtemp(join(tmpdir(), 'wow-integrations-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'generic-oauth2'));
  const text = (await readFile(connectorFile, 'utf8'))
    .replace('https://api.example.com', api.url)
    .replace('https://auth.example.com/oauth2/token', oauth.tokenEndpoint)
    .replace(
      'deliver: []',
      'deliver:\n  - event: support.ticket.opened\n    path: /services/data/v60.0/sobjects/Platform_Event__c',
    )
    .replace(
      /maxAttempts: 3\n {2}initialDelayMs: 200\n {2}maxDelayMs: 10000/,
      'maxAttempts: 2\n  initialDelayMs: 1\n  maxDelayMs: 5',
    )
    .replace('consecutiveFailures: 5', 'consecutiveFailures: 3')
    .replace('halfOpenAfterMs: 30000', 'halfOpenAfterMs: 3600000');
  await writeFile(join(dir, 'generic-oauth2', 'connector.yml'), text);
  agent = await startTestAgent({
    agentsDir,
    id: 'wowintegration',
    env: { WOWINTEGRATION_DIR: dir },
    identity: async (store) =>
      (identity = await createIdentity({
        settings: loadConfig({ IDENTITY_MASTER_KEY: testMasterKey }).identity,
        store,
        log: quietLog,
      })),
  });
  cleanups.push(() => agent.stop());
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const save = async (secrets: { clientId: string; clientSecret: string }) => {
  if (identity === undefined) throw new Error('no identity');
  await saveCredential(agent.store, agentSecretBox(identity.kms.secrets, 'wowintegration'), 'generic-oauth2', secrets);
};
const openTicket = async (source = 'urn:wow:test') => {
  const event = await agent.publish({
    type: 'support.ticket.opened',
    source,
    data: { ticketId: randomUUID(), messageId: randomUUID() },
  });
  return event.id;
};
const delivery = async (eventId: string) =>
  (
    await agent.store.query<{ state: string; attempts: number; last_error: string | null }>(
      'select state, attempts, last_error from integration_deliveries where event_id = $1',
      [eventId],
    )
  ).rows[0];
const health = (data: object = {}) =>
  agent.request<{ credentials: CredentialHealth[] }>({ type: 'integration.credentials.health', data });
const refresh = () =>
  agent.request<CredentialRefreshReply>({
    type: 'integration.credential.refresh',
    data: { integration: 'generic-oauth2' },
  });

describe('WowIntegration', () => {
  it('reports a connector with no credential as missing, and keeps its deliveries for later', async () => {
    expect((await health()).credentials).toEqual([
      expect.objectContaining({ integration: 'generic-oauth2', state: 'missing' }),
    ]);
    const id = await openTicket();
    await agent.eventually(async () =>
      expect(await delivery(id)).toMatchObject({ state: 'failed', last_error: 'no credential stored' }),
    );
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

  it('Given a connector whose access token has expired so that its deliveries fail, when WowIntegration is asked to refresh the connector’s credential, then the credential is refreshed, the failed deliveries are retried and succeed, and the credential reports healthy', async () => {
    await save(client);
    const first = await openTicket('urn:wow:agent:wowsupport');
    await agent.eventually(async () =>
      expect(await delivery(first)).toMatchObject({ state: 'delivered', attempts: 1 }),
    );
    // Client credentials, Basic authentication, the connector's scope; the whole event as the body.
    expect(oauth.grants.at(-1)).toEqual({
      grantType: 'client_credentials',
      clientAuth: 'basic',
      scope: 'events.write',
    });
    expect(api.records.at(-1)?.fields).toMatchObject({ specversion: '1.0', id: first, type: 'support.ticket.opened' });
    const [before] = (await health()).credentials;
    expect(before).toMatchObject({ state: 'healthy', failedDeliveries: 1 });
    expect(Date.parse(before?.expiresAt ?? '')).toBeGreaterThan(Date.now());

    oauth.expireAccessTokens();
    const second = await openTicket();
    await agent.eventually(async () =>
      expect(await delivery(second)).toMatchObject({ state: 'failed', last_error: 'HTTP 401 INVALID_SESSION_ID' }),
    );
    expect((await health()).credentials[0]).toMatchObject({ state: 'expired', failedDeliveries: 2 });

    // The one kept since the credential was missing, and the one refused.
    expect(await refresh()).toMatchObject({ refreshed: true, retried: 2, succeeded: 2, problem: null });
    expect((await health()).credentials[0]).toMatchObject({
      state: 'healthy',
      failedDeliveries: 0,
      consecutiveFailures: 0,
    });
    expect([...oauth.violations, ...api.violations]).toEqual([]);
  });

  it('answers for the connectors that carried an agent’s events', async () => {
    expect((await health({ agent: 'wowsupport' })).credentials.map((c) => c.integration)).toEqual(['generic-oauth2']);
    expect((await health({ agent: 'wowanalytics' })).credentials).toEqual([]);
    expect((await health({ agent: 'wowintegration' })).credentials).toHaveLength(1);
  });

  it('retries an API failing for a moment with backoff, and opens the circuit on one that keeps failing', async () => {
    api.failNext(1);
    const blip = await openTicket();
    await agent.eventually(async () => expect(await delivery(blip)).toMatchObject({ state: 'delivered', attempts: 2 }));

    api.failNext(1000);
    const down = [await openTicket()];
    await agent.eventually(async () =>
      expect(await delivery(down[0] ?? '')).toMatchObject({ state: 'failed', attempts: 2 }),
    );
    down.push(await openTicket());
    await agent.eventually(async () => expect(await delivery(down[1] ?? '')).toMatchObject({ state: 'failed' }));
    // Three failures in a row open the circuit: the next delivery is kept without reaching the API.
    const reached = api.requests;
    const third = await openTicket();
    await agent.eventually(async () =>
      expect(await delivery(third)).toMatchObject({
        state: 'failed',
        attempts: 0,
        last_error: 'circuit open: the API failed too often',
      }),
    );
    expect(api.requests).toBe(reached);
  });
});
