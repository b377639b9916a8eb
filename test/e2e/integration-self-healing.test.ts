import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTicket, verifyCustomerWebhook, type Ticket } from '#domains/support';
import { agentSecretBox, type CloudEvent, type Runtime } from '#platform';
import { eventually } from '#platform/testing';
import { saveCredential } from '../../agents/wowintegration/src/index.ts';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../doubles/github-api.ts';
import { startOAuth2Double, type OAuth2Double } from '../doubles/oauth2-token-endpoint.ts';
import { startSalesforceDouble, type SalesforceDouble } from '../doubles/salesforce-api.ts';
import { agentRuntimes } from '../support/agent-runtimes.ts';
import { testMasterKey } from '../support/sign-as.ts';
import { createTestDatabase, deleteRedisKeys, testRedisUrl, uniqueName } from '../support/servers.ts';

// The seed's second scenario, "integration with Salesforce failing → API key expired,
// refreshing… → restored", as the platform runs it: on PostgreSQL and Redis, three runtimes
// (WowIntegration; WowSupport with WowSearch; WowNotification) sharing the bus, the GitHub
// double for the support repository, an OAuth 2.0 token endpoint double and a Salesforce
// double. Nothing here calls an agent: the test opens tickets as the intake does and watches.
const agentsDir = fileURLToPath(new URL('../../agents', import.meta.url));
const connectorFile = fileURLToPath(new URL('../../integrations/salesforce/connector.yml', import.meta.url));
const client = {
  clientId: '3MVG9sf-connected-app',
  clientSecret: 'sf-client-secret-0123456789',
  refreshToken: 'rt-sf-1',
};
const customerSecret = 'whsec-salesforce-customer';

const cleanups: (() => Promise<void>)[] = [];
let oauth: OAuth2Double;
let salesforce: SalesforceDouble;
let github: GitHubDouble;
let repo: DoubleRepo;
let desk: Runtime;
let customerId: string;
/** What reached the customer's webhook, its signature verified. */
const received: { ticketId: string; body: string; automatic: boolean }[] = [];
/** Every error.occurred on the bus, as a consumer group of its own sees it. */
const errors: CloudEvent[] = [];

beforeAll(async () => {
  oauth = await startOAuth2Double({ ...client, refreshTokens: [client.refreshToken], expiresIn: undefined });
  salesforce = await startSalesforceDouble({ isValid: (token) => oauth.isValid(token) });
  cleanups.push(
    () => oauth.close(),
    () => salesforce.close(),
  );
  github = createGitHubDouble();
  const scratch = await mkdtemp(join(tmpdir(), 'wow-sf-heal-'));
  cleanups.push(() => rm(scratch, { recursive: true, force: true }));
  repo = { owner: 'acme', repo: 'support', dir: scratch, pulls: [] };
  github.addRepo(repo);
  // The repository's Salesforce connector, pointed at the doubles.
  const connectors = join(scratch, 'integrations');
  await mkdir(join(connectors, 'salesforce'), { recursive: true });
  const text = (await readFile(connectorFile, 'utf8'))
    .replace('https://example.my.salesforce.com', salesforce.url)
    .replace('https://login.salesforce.com/services/oauth2/token', oauth.tokenEndpoint);
  await writeFile(join(connectors, 'salesforce', 'connector.yml'), text);
  // The customer's webhook endpoint: what the desk tells them arrives here, signed.
  const endpoint: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const ok = verifyCustomerWebhook({ secret: customerSecret, body, headers: req.headers });
      if (ok) received.push((JSON.parse(body) as { data: (typeof received)[number] }).data);
      res.writeHead(ok ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => endpoint.close(() => resolve())));

  const database = await createTestDatabase('sfheal');
  const prefix = `${uniqueName('sfheal')}:`;
  cleanups.push(database.drop, () => deleteRedisKeys(prefix));
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl,
    BUS_KEY_PREFIX: prefix,
    IDENTITY_MASTER_KEY: testMasterKey,
    BACKUP_INTERVAL_SECONDS: '0',
    LOG_LEVEL: 'silent',
    BUS_MAX_ATTEMPTS: '3',
    BUS_RETRY_BASE_MS: '10',
    BUS_RETRY_MAX_MS: '50',
    SUPPORT_SLA_SWEEP_SECONDS: '0',
    SUPPORT_REPO: 'acme/support',
    WOWINTEGRATION_DIR: connectors,
    WOWINTEGRATION_RETRY_INTERVAL_MS: '0',
  };
  const runtimes = agentRuntimes({ env, agentsDir, github: github.fetch });
  cleanups.push(() => runtimes.stop());
  const integration = await runtimes.start(['wowintegration']);
  desk = await runtimes.start(['wowsupport', 'wowsearch']);
  await runtimes.start(['wownotification']);
  await desk.bus.subscribe({
    group: 'test-error-recorder',
    types: ['error.occurred'],
    answersRequests: false,
    handler: (event) => Promise.resolve(void errors.push(event)),
  });
  await saveCredential(
    integration.store,
    agentSecretBox(integration.identity.kms.secrets, 'wowintegration'),
    'salesforce',
    client,
  );
  customerId = randomUUID();
  const { port } = endpoint.address() as AddressInfo;
  await desk.store.query(
    'insert into support_customers (id, slug, name, webhook_url, webhook_secret) values ($1, $2, $3, $4, $5)',
    [customerId, 'initech', 'Initech', `http://127.0.0.1:${port}/hooks/wow`, customerSecret],
  );
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A ticket opened through the API, as the intake writes it (its event leaves through the outbox). */
const open = (subject: string, body: string): Promise<Ticket> =>
  desk.store.transaction((tx) =>
    openTicket(tx, { subject, body, channel: 'api', customerId, requester: { email: 'peter@initech.example' } }),
  );

const casesFor = (ticket: Ticket) => salesforce.records.filter((r) => r.fields['WAOOAW_Ticket_Id__c'] === ticket.id);

describe('an expired Salesforce credential, healed end to end (PostgreSQL, Redis, the GitHub, OAuth and Salesforce doubles)', () => {
  it('refused 401 → dead letter → error.occurred → playbook → health → refresh → the call sent again → issue, audit and the customer told once', async () => {
    const first = await open('Invoice copy', 'Could you send me a copy of last month’s invoice?');
    // Recorded as delivered too (the Case exists before WowIntegration writes its success).
    await eventually(
      async () =>
        (await desk.store.query("select 1 from integration_deliveries where state = 'delivered'")).rows.length === 1,
      'the first ticket became a Case, recorded',
    );
    expect(casesFor(first)).toHaveLength(1);

    // The session behind the access token ends: Salesforce answers 401 INVALID_SESSION_ID.
    oauth.expireAccessTokens();
    const reported = await open(
      'Salesforce sync failing',
      'Since this morning our Salesforce sync is failing: new tickets no longer show up as Cases.',
    );

    // WowIntegration's refusal dead-letters the ticket's event; the platform publishes error.occurred.
    await eventually(async () => errors.length > 0, 'error.occurred published');
    expect(errors[0]).toMatchObject({
      source: 'urn:wow:platform',
      subject: 'wowintegration',
      data: {
        kind: 'dead_letter',
        agent: 'wowintegration',
        eventType: 'support.ticket.opened',
        code: 'WOW_ERR_INTEGRATION_UNAUTHORIZED',
        attempts: 1,
      },
    });
    const incidentId = errors[0]?.id ?? '';
    const letters = await desk.bus.deadLetters.list({ group: 'wowintegration' });
    expect(letters.map((l) => [l.event.subject, l.error.code])).toEqual([
      [reported.id, 'WOW_ERR_INTEGRATION_UNAUTHORIZED'],
    ]);

    // WowSupport's playbook: health asked, the low-risk refresh run, the refused call sent again.
    await eventually(async () => casesFor(reported).length === 1, 'the refused Case sent again after the refresh');
    const steps = async () =>
      (
        await desk.store.query<{ step: string; text: string }>(
          "select step, detail->>'text' as text from support_playbook_steps where incident_id = $1 order by id",
          [incidentId],
        )
      ).rows;
    await eventually(async () => (await steps()).some((s) => s.step === 'restored'), 'the restoration recorded');
    expect((await steps()).map((s) => s.step)).toEqual(['matched', 'diagnose:credentials', 'applied', 'restored']);
    const { rows: runs } = await desk.store.query<{ playbook: string; remedy: string; state: string; result: unknown }>(
      'select playbook, remedy, state, result from support_playbook_runs where incident_id = $1',
      [incidentId],
    );
    expect(runs).toEqual([
      {
        playbook: 'integration-credential-expired',
        remedy: 'refresh',
        state: 'applied',
        result: {
          integration: 'salesforce',
          refreshed: true,
          expiresAt: null,
          problem: null,
          retried: 1,
          succeeded: 1,
        },
      },
    ]);
    expect(oauth.grants.map((g) => g.grantType)).toEqual(['refresh_token', 'refresh_token']);
    const { rows: kept } = await desk.store.query<{ state: string }>(
      'select state from integration_deliveries where event_id = $1',
      [letters[0]?.event.id],
    );
    expect(kept).toEqual([{ state: 'delivered' }]);

    // The steps on the error's issue in the support repository, which closes once restored.
    const errorIssue = () =>
      repo.issues?.find((i) => i.title === 'Error: wowintegration failed with WOW_ERR_INTEGRATION_UNAUTHORIZED');
    await eventually(async () => errorIssue()?.state === 'closed', "the error's issue closed");
    const issue = errorIssue();
    expect(repo.labels?.get(issue?.number ?? 0)).toEqual(['incident', 'agent:wowintegration']);
    const onIssue = github.comments.filter((c) => c.issue === issue?.number).map((c) => c.body);
    expect(onIssue.some((b) => b.includes('playbook `integration-credential-expired`'))).toBe(true);
    expect(onIssue.some((b) => b.includes('Remedy `refresh` ran (low risk, automatically)'))).toBe(true);
    expect(
      onIssue.some((b) => b.includes('Salesforce is restored') && b.includes('1 open ticket naming it was answered')),
    ).toBe(true);

    // The customer who reported it hears it is restored, once; the other ticket hears nothing of it.
    const restored = () => received.filter((r) => r.body.includes('Your Salesforce integration is working again'));
    await eventually(async () => restored().length === 1, 'the customer told it is restored');
    expect(restored()[0]).toMatchObject({ ticketId: reported.id, automatic: true });
    expect(restored()[0]?.body).toMatch(/Restored in (under a minute|\d+ minutes?)\./);
    expect(received.filter((r) => r.ticketId === first.id && r.body.includes('Salesforce'))).toEqual([]);
    expect(errors).toHaveLength(1);
    expect([...oauth.violations, ...salesforce.violations, ...github.violations]).toEqual([]);
  });
});
