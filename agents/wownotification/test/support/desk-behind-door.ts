import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { createServer as createAppServer } from '../../../../app/server/create-server.ts';
import {
  createAgentHost,
  createGitHubPort,
  createLogger,
  loadConfig,
  openRuntime,
  type AgentHost,
  type Runtime,
  type Store,
} from '#platform';
import { eventuallyPasses, testGitHubPolicy } from '#platform/testing';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../../test/doubles/github-api.ts';
import { signedDelivery } from '../../../../test/support/github-webhooks.ts';
import { openTicket, verifyCustomerWebhook, type Ticket } from '#domains/support';
import { appId, supportRepo } from './support-repo-events.ts';
import { importArticles } from '../../../wowsearch/src/index.ts';

// The desk as it runs: the HTTP door (webhook signatures checked), the bus, WowNotification
// and WowSupport on the runtime (embedded PostgreSQL, the outbox relayed), a GitHub double that
// checks every request against GitHub's OpenAPI description, and a customer's webhook
// endpoint that records, verified, everything that reaches the customer.
const agentsDir = fileURLToPath(new URL('../../..', import.meta.url));
const kb = fileURLToPath(new URL('../../../../test/fixtures/support/kb', import.meta.url));
const customerSecret = 'whsec-door-test';
const webhookSecret = 'github-webhook-secret';

export interface DeskBehindDoor {
  github: GitHubDouble;
  repo: DoubleRepo;
  store: Store;
  /** Sends a webhook as GitHub does (signed) through the HTTP door; resolves with its status. */
  sendWebhook(name: string, payload: Record<string, unknown>): Promise<number>;
  /** Opens an API ticket of the test's customer, as the intake does. */
  openTicket(subject: string, body: string): Promise<Ticket>;
  /** The issue the desk opened for the ticket, once it is there. */
  issueOf(ticket: Ticket): Promise<number>;
  commentsOn(issue: number): GitHubDouble['comments'];
  /** What reached the customer's webhook for the ticket, verified. */
  deliveredTo(ticket: Ticket): { body: string; automatic: boolean }[];
  eventually(assertion: () => Promise<void> | void, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startDeskBehindDoor(opts: { approvers: string }): Promise<DeskBehindDoor> {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'wow-door-'));
  const github = createGitHubDouble();
  const repo: DoubleRepo = { ...supportRepo, dir: dataDir, pulls: [] };
  github.addRepo(repo);
  const received: { ticketId: string; body: string; automatic: boolean }[] = [];
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
  const env = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    AGENTS_DIR: agentsDir,
    BUS_MAX_ATTEMPTS: '2',
    BUS_RETRY_BASE_MS: '10',
    BUS_RETRY_MAX_MS: '50',
    SUPPORT_SLA_SWEEP_SECONDS: '0',
    SUPPORT_REPO: `${supportRepo.owner}/${supportRepo.repo}`,
    SUPPORT_APPROVERS: opts.approvers,
    APP_ID: String(appId),
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: webhookSecret,
  };
  const config = loadConfig(env);
  const log = createLogger('silent');
  const runtime: Runtime = await openRuntime(config, log);
  const host: AgentHost = await createAgentHost({
    config,
    bus: runtime.bus,
    store: runtime.store,
    log,
    metrics: runtime.metrics,
    agentsDir,
    ids: ['wownotification', 'wowsupport', 'wowsearch'],
    // As `wow start` runs them: each with its credential, since the bus signs and verifies.
    identity: runtime.identity,
    signed: runtime.signed,
    // Agents' settings (the desk's SUPPORT_* ones too) from this environment, never the shell's.
    env,
    github: createGitHubPort({
      credentials: { appId: String(appId), privateKey, apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    }),
  });
  await host.start();
  runtime.relay.start();
  const server: FastifyInstance = await createAppServer({
    config,
    bus: runtime.bus,
    store: runtime.store,
    log,
    metrics: runtime.metrics,
  });
  const customerId = randomUUID();
  const address = endpoint.address() as { port: number };
  await runtime.store.query(
    'insert into support_customers (id, slug, name, webhook_url, webhook_secret) values ($1, $2, $3, $4, $5)',
    [customerId, 'initech', 'Initech', `http://127.0.0.1:${address.port}/hooks/wow`, customerSecret],
  );
  await importArticles(runtime.store, kb);

  return {
    github,
    repo,
    store: runtime.store,
    async sendWebhook(name, payload) {
      const d = await signedDelivery(webhookSecret, name, payload);
      return (await server.inject({ method: 'POST', url: '/api/github/webhooks', headers: d.headers, payload: d.body }))
        .statusCode;
    },
    openTicket: (subject, body) =>
      runtime.store.transaction((tx) =>
        openTicket(tx, {
          subject,
          body,
          channel: 'api',
          customerId,
          requester: { email: 'peter@initech.example', name: 'Peter' },
        }),
      ),
    async issueOf(ticket) {
      let found: number | undefined;
      // Until the sync has recorded the issue as the ticket's, a comment or label on it is
      // not the ticket's and is ignored: the tests act on the issue only after that.
      await eventuallyPasses(async () => {
        found = repo.issues?.find((i) => i.body.includes(`wow-desk:ticket=${ticket.id}`))?.number;
        expect(found).toBeDefined();
        const { rows } = await runtime.store.query<{ issue_number: number | null }>(
          'select issue_number from support_ticket_issues where ticket_id = $1',
          [ticket.id],
        );
        expect(rows[0]?.issue_number).toBe(found);
      });
      return found as number;
    },
    commentsOn: (issue) => github.comments.filter((c) => c.issue === issue),
    deliveredTo: (ticket) => received.filter((r) => r.ticketId === ticket.id),
    eventually: eventuallyPasses,
    async stop() {
      await server.close();
      await host.stop({ timeoutMs: 5_000 });
      await runtime.close();
      await new Promise((resolve) => endpoint.close(resolve));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
