import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentSecretBox, createIdentity, loadConfig, type Identity } from '#platform';
import { quietLog, startTestAgent, type TestAgent } from '#platform/testing';
import { startOAuth2Double, type OAuth2Double } from '../../../../test/doubles/oauth2-token-endpoint.ts';
import { startSalesforceDouble, type SalesforceDouble } from '../../../../test/doubles/salesforce-api.ts';
import { testMasterKey } from '../../../../test/support/sign-as.ts';
import { saveCredential } from '../../src/index.ts';

const agentsDir = fileURLToPath(new URL('../../..', import.meta.url));
const connectorFile = fileURLToPath(new URL('../../../../integrations/generic-oauth2/connector.yml', import.meta.url));
export const client = { clientId: 'generic-client', clientSecret: 'generic-secret-0123456789' };

export interface IntegrationUnderTest {
  agent: TestAgent;
  oauth: OAuth2Double;
  api: SalesforceDouble;
  /** Seals and stores the generic connector's credential, as `wow integrations credential` does. */
  save(secrets: { clientId: string; clientSecret: string }): Promise<void>;
  /** Publishes a ticket's opening; its event id. */
  openTicket(source?: string): Promise<string>;
  delivery(eventId: string): Promise<{ state: string; attempts: number; last_error: string | null } | undefined>;
  stop(): Promise<void>;
}

/**
 * WowIntegration on the real runtime (the in-process bus and an embedded PostgreSQL), with
 * the repository's generic OAuth2 connector pointed at an OAuth2 double (client credentials,
 * Basic client authentication, a scope) and an API double, delivering each opened ticket
 * (and a copy of it, crm-idle, with no credential);
 * two tries per delivery, 1 to 5 ms apart, the circuit opening after three failures.
 */
export async function startIntegration(env: Record<string, string> = {}): Promise<IntegrationUnderTest> {
  const oauth = await startOAuth2Double({ ...client, scopes: ['events.write'], expiresIn: 3600 });
  const api = await startSalesforceDouble({ isValid: (token) => oauth.isValid(token) });
  const dir = await mkdtemp(join(tmpdir(), 'wow-integrations-'));
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
  // The same API under another name, never given a credential: it must receive nothing.
  // Its name sorts first, so it is passed over before the other is sent each event.
  await mkdir(join(dir, 'crm-idle'));
  await writeFile(join(dir, 'crm-idle', 'connector.yml'), text.replace('name: generic-oauth2', 'name: crm-idle'));
  let identity: Identity | undefined;
  const agent = await startTestAgent({
    agentsDir,
    id: 'wowintegration',
    env: { WOWINTEGRATION_DIR: dir, WOWINTEGRATION_RETRY_INTERVAL_MS: '0', ...env },
    identity: async (store) =>
      (identity = await createIdentity({
        settings: loadConfig({ IDENTITY_MASTER_KEY: testMasterKey }).identity,
        store,
        log: quietLog,
      })),
  });
  return {
    agent,
    oauth,
    api,
    async save(secrets) {
      if (identity === undefined) throw new Error('no identity');
      await saveCredential(
        agent.store,
        agentSecretBox(identity.kms.secrets, 'wowintegration'),
        'generic-oauth2',
        secrets,
      );
    },
    async openTicket(source = 'urn:wow:test') {
      const event = await agent.publish({
        type: 'support.ticket.opened',
        source,
        data: { ticketId: randomUUID(), messageId: randomUUID() },
      });
      return event.id;
    },
    async delivery(eventId) {
      const { rows } = await agent.store.query<{ state: string; attempts: number; last_error: string | null }>(
        'select state, attempts, last_error from integration_deliveries where event_id = $1',
        [eventId],
      );
      return rows[0];
    },
    async stop() {
      await agent.stop();
      await oauth.close();
      await api.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
