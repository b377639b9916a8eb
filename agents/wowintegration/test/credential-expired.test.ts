import { randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentSecretBox,
  createAgentHost,
  createEvent,
  loadConfig,
  openRuntime,
  type AgentHost,
  type Runtime,
} from '#platform';
import { eventually, quietLog } from '#platform/testing';
import { startOAuth2Double, type OAuth2Double } from '../../../test/doubles/oauth2-token-endpoint.ts';
import { startSalesforceDouble, type SalesforceDouble } from '../../../test/doubles/salesforce-api.ts';
import { testMasterKey } from '../../../test/support/sign-as.ts';
import { createTestDatabase, deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { saveCredential, type CredentialHealth, type CredentialRefreshReply } from '../src/index.ts';

// The seed's scenario, "integration with Salesforce failing → API key expired, refreshing…
// → restored": on PostgreSQL and Redis, WowIntegration delivers each opened ticket to a
// Salesforce double as a Case, the session behind its access token ends, deliveries fail
// with 401 and are kept, and an agent on the same bus (the fixture doing what the playbook
// does) asks for credential health, asks for a refresh, and the kept deliveries go through.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const fixtureDir = fileURLToPath(new URL('../../../test/fixtures/integration-agents', import.meta.url));
const scratchDir = fileURLToPath(new URL('../../../test/.data', import.meta.url));
const connectorFile = fileURLToPath(new URL('../../../integrations/salesforce/connector.yml', import.meta.url));
const cleanups: (() => Promise<void>)[] = [];
const client = {
  clientId: '3MVG9sf-connected-app',
  clientSecret: 'sf-client-secret-0123456789',
  refreshToken: 'rt-salesforce-1',
};

let oauth: OAuth2Double;
let salesforce: SalesforceDouble;
let runtime: Runtime;

beforeAll(async () => {
  oauth = await startOAuth2Double({
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    refreshTokens: [client.refreshToken],
    expiresIn: undefined,
  });
  salesforce = await startSalesforceDouble({ isValid: (token) => oauth.isValid(token) });
  cleanups.push(
    () => oauth.close(),
    () => salesforce.close(),
  );
  // The repository's Salesforce connector, pointed at the doubles.
  const dir = await mkdtemp(join(tmpdir(), 'wow-integrations-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'salesforce'));
  const text = (await readFile(connectorFile, 'utf8'))
    .replace('https://example.my.salesforce.com', salesforce.url)
    .replace('https://login.salesforce.com/services/oauth2/token', oauth.tokenEndpoint);
  await writeFile(join(dir, 'salesforce', 'connector.yml'), text);

  // One agents folder holding both, as a deployment's does: a host knows who answers a
  // request from the manifests beside it. Copies, in the checkout (git ignores .data) so
  // that "#platform" and the asker's import of WowIntegration's entry resolve as they do here.
  await mkdir(scratchDir, { recursive: true });
  const hosted = await mkdtemp(join(scratchDir, 'integration-agents-'));
  cleanups.push(() => rm(hosted, { recursive: true, force: true }));
  await cp(join(agentsDir, 'wowintegration'), join(hosted, 'wowintegration'), {
    recursive: true,
    filter: (source) => !source.includes('/wowintegration/test'),
  });
  await cp(join(fixtureDir, 'incident-asker'), join(hosted, 'incident-asker'), { recursive: true });

  const database = await createTestDatabase('wowintegration');
  const prefix = `${uniqueName('wowintegration')}:`;
  cleanups.push(database.drop, () => deleteRedisKeys(prefix));
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl,
    BUS_KEY_PREFIX: prefix,
    IDENTITY_MASTER_KEY: testMasterKey,
    BUS_SIGNING: 'off',
    BACKUP_INTERVAL_SECONDS: '0',
    AGENTS_DIR: hosted,
  });
  runtime = await openRuntime(config, quietLog);
  cleanups.push(() => runtime.close());
  const host: AgentHost = await createAgentHost({
    config,
    bus: runtime.bus,
    store: runtime.store,
    log: quietLog,
    metrics: runtime.metrics,
    agentsDir: hosted,
    ids: ['wowintegration', 'incident-asker'],
    identity: runtime.identity,
    env: { WOWINTEGRATION_DIR: dir },
  });
  await host.start();
  cleanups.push(async () => {
    await host.stop({ timeoutMs: 5_000 });
  });
  runtime.relay.start();
  await saveCredential(
    runtime.store,
    agentSecretBox(runtime.identity.kms.secrets, 'wowintegration'),
    'salesforce',
    client,
  );
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const openTicket = async () => {
  const ticketId = randomUUID();
  await runtime.bus.publish(
    createEvent({
      type: 'support.ticket.opened',
      source: 'urn:wow:test',
      subject: `ticket ${ticketId}`,
      data: { ticketId, messageId: randomUUID() },
    }),
  );
  return ticketId;
};

const deliveries = async () =>
  (
    await runtime.store.query<{ state: string; last_error: string | null }>(
      'select state, last_error from integration_deliveries order by created_at',
    )
  ).rows;

describe('WowIntegration on PostgreSQL and Redis: an expired Salesforce credential', () => {
  it('delivers, keeps what fails with 401, reports the credential expired, refreshes it through ctx.request, and retries what failed', async () => {
    const first = await openTicket();
    // Recorded as delivered (the Case exists before the row and the credential's success are written).
    await eventually(
      async () => (await deliveries()).some((d) => d.state === 'delivered'),
      'the first ticket became a Case, recorded',
    );
    expect(salesforce.records).toHaveLength(1);
    expect(salesforce.records[0]).toMatchObject({
      sobject: 'Case',
      fields: { WAOOAW_Ticket_Id__c: first, Subject: `ticket ${first}` },
    });

    // The session behind the access token times out; Salesforce answers 401 INVALID_SESSION_ID.
    oauth.expireAccessTokens();
    const failed = async () => (await deliveries()).filter((d) => d.state === 'failed').length;
    const later = [await openTicket()];
    await eventually(async () => (await failed()) === 1, 'the delivery refused with 401 kept as failed');
    later.push(await openTicket());
    await eventually(async () => (await failed()) === 2, 'the next delivery kept too');
    // The refusal marks the token; the next delivery is kept without being sent to fail again.
    expect(salesforce.refused).toBe(1);
    expect((await deliveries()).map((d) => d.last_error)).toContain('HTTP 401 INVALID_SESSION_ID');
    // The refused delivery raised its named error, at once and only once: the ticket's event
    // is dead-lettered (the platform reports it as error.occurred); the one kept unsent is not.
    const letters = await runtime.bus.deadLetters.list({ group: 'wowintegration' });
    expect(letters.map((l) => [l.event.data, l.error.code, l.attempts])).toEqual([
      [expect.objectContaining({ ticketId: later[0] }), 'WOW_ERR_INTEGRATION_UNAUTHORIZED', 1],
    ]);

    const incidentId = randomUUID();
    await runtime.bus.publish(
      createEvent({
        type: 'support.incident.opened',
        source: 'urn:wow:test',
        data: { incidentId, agentId: 'wowintegration', signals: [], figures: {} },
      }),
    );
    let findings:
      | {
          health: { credentials: CredentialHealth[] };
          refreshed: CredentialRefreshReply[];
          health_after: { credentials: CredentialHealth[] };
        }
      | undefined;
    await eventually(async () => {
      findings = (
        await runtime.store.query<NonNullable<typeof findings>>(
          'select health, refreshed, health_after from incident_asker_findings where incident_id = $1',
          [incidentId],
        )
      ).rows[0];
      return findings !== undefined;
    }, 'the asker recorded its findings');
    expect(findings?.health.credentials).toEqual([
      expect.objectContaining({
        integration: 'salesforce',
        authKind: 'oauth2-refresh-token',
        state: 'expired',
        lastError: 'HTTP 401 INVALID_SESSION_ID',
        consecutiveFailures: 1,
        failedDeliveries: 2,
      }),
    ]);
    expect(findings?.refreshed).toEqual([
      { integration: 'salesforce', refreshed: true, expiresAt: null, problem: null, retried: 2, succeeded: 2 },
    ]);
    expect(findings?.health_after.credentials).toEqual([
      expect.objectContaining({
        integration: 'salesforce',
        state: 'healthy',
        consecutiveFailures: 0,
        failedDeliveries: 0,
      }),
    ]);
    expect(salesforce.records.map((r) => r.fields['WAOOAW_Ticket_Id__c'])).toEqual([first, ...later]);
    expect((await deliveries()).map((d) => d.state)).toEqual(['delivered', 'delivered', 'delivered']);
    // Refresh-token grants, the client in the body as the connector says, and nothing a server would refuse.
    expect(oauth.grants.map((g) => `${g.grantType} ${g.clientAuth}`)).toEqual([
      'refresh_token post',
      'refresh_token post',
    ]);
    expect([...oauth.violations, ...salesforce.violations]).toEqual([]);
  });

  it('keeps the secrets sealed: no client secret or token in the row', async () => {
    const { rows } = await runtime.store.query<{ sealed_value: Buffer; sealed_data_key: Buffer }>(
      'select sealed_value, sealed_data_key from integration_credentials',
    );
    const stored = Buffer.concat(rows.flatMap((r) => [r.sealed_value, r.sealed_data_key]));
    for (const secret of [client.clientSecret, client.refreshToken, 'at-']) expect(stored.includes(secret)).toBe(false);
  });
});
