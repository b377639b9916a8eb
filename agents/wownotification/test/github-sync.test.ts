import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createAppServer } from '../../../app/server/create-server.ts';
import {
  createBus,
  createCache,
  createGitHubPort,
  createLogger,
  createMetrics,
  loadConfig,
  type Cache,
} from '#platform';
import { quietLog, startTestAgent, type TestAgent, testGitHubPolicy } from '#platform/testing';
import {
  deskSettingsTag,
  findTicket,
  issueApiKey,
  openTicket,
  parseInboundMail,
  receiveCustomerMessage,
  receiveEmail,
  recordDeskMessage,
  setKillSwitch,
  ticketMessages,
  type Ticket,
  verifyCustomerWebhook,
} from '#domains/support';
import {
  createGitHubDouble,
  doubleAppLogin,
  type DoubleRepo,
  type GitHubDouble,
} from '../../../test/doubles/github-api.ts';
import { breakerLimit } from '../src/sync/trip-breaker.ts';
import { appId, commentDelivery, issueDelivery, supportRepo } from './support/support-repo-events.ts';
import { importArticles } from '../../wowsearch/src/index.ts';

// The desk on GitHub end to end: the agent on the real runtime (embedded PostgreSQL, the
// in-process bus, the outbox relayed), a GitHub double that checks every request against
// GitHub's OpenAPI description, real webhook payload shapes, and a customer's webhook
// endpoint that records what reaches the customer.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const kb = fileURLToPath(new URL('../../../test/fixtures/support/kb', import.meta.url));
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const secret = 'whsec-test';

let agent: TestAgent;
/** The runtime's cache: the desk's agents read the kill switch through it. */
let cache: Cache;
let github: GitHubDouble;
let repo: DoubleRepo;
let dir: string;
let endpoint: Server;
/** What the customer's webhook received, verified. */
const received: {
  delivery: string;
  event: { type: string; data: { ticketId: string; messageId: string; body: string; automatic: boolean } };
}[] = [];
const customerId = randomUUID();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wow-sync-'));
  github = createGitHubDouble();
  repo = { ...supportRepo, dir, pulls: [] };
  github.addRepo(repo);
  github.teams.set('acme/support-leads', ['grace']);
  // octo works the desk (triage: may /reply and /solve); a login not listed is a stranger with read.
  github.roles.set('octo', 'triage');
  endpoint = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const ok = verifyCustomerWebhook({ secret, body, headers: req.headers });
      if (ok)
        received.push({
          delivery: String(req.headers['x-wow-delivery']),
          event: JSON.parse(body) as (typeof received)[number]['event'],
        });
      res.writeHead(ok ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  const address = endpoint.address() as { port: number };
  cache = await createCache({ log: quietLog });
  agent = await startTestAgent({
    agentsDir,
    id: 'wownotification',
    alongside: ['wowsupport', 'wowsearch'],
    relayOutbox: true,
    cache,
    github: createGitHubPort({
      credentials: { appId: String(appId), privateKey, apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    }),
    env: {
      SUPPORT_REPO: `${supportRepo.owner}/${supportRepo.repo}`,
      SUPPORT_APPROVERS: 'ada, acme/support-leads',
      APP_ID: String(appId),
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: 'github-webhook-secret',
    },
  });
  await importArticles(agent.store, kb);
  await agent.store.query(
    'insert into support_customers (id, slug, name, webhook_url, webhook_secret) values ($1, $2, $3, $4, $5)',
    [customerId, 'initech', 'Initech', `http://127.0.0.1:${address.port}/hooks/wow`, secret],
  );
}, 60_000);

afterAll(async () => {
  await agent.stop();
  await cache.close();
  await new Promise((resolve) => endpoint.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const openByApi = (subject: string, body: string) =>
  agent.store.transaction((tx) =>
    openTicket(tx, {
      subject,
      body,
      channel: 'api',
      customerId,
      requester: { email: 'peter@initech.example', name: 'Peter' },
    }),
  );
const issueOf = async (ticket: Ticket) => {
  let found: number | undefined;
  await agent.eventually(async () => {
    found = repo.issues?.find((i) => i.body.includes(`wow-desk:ticket=${ticket.id}`))?.number;
    expect(found).toBeDefined();
  });
  return found as number;
};
const commentsOn = (issue: number) => github.comments.filter((c) => c.issue === issue);
const deliveredTo = (ticket: Ticket) => received.filter((r) => r.event.data.ticketId === ticket.id);
/** Lets the agent finish what it is doing: nothing more arrives for a while. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

describe('a ticket and its issue, both ways, without echoes', () => {
  let ticket: Ticket;
  let issue: number;

  it("opens the ticket's issue once, without personal data, and mirrors L1's answer, which reaches the customer signed", async () => {
    ticket = await openByApi('How do I reset my API key?', 'Where do I rotate the API key? cc @octocat');
    issue = await issueOf(ticket);
    await agent.eventually(async () => expect(deliveredTo(ticket)).toHaveLength(1));
    await agent.eventually(async () => expect(commentsOn(issue)).toHaveLength(1));
    const created = repo.issues?.find((i) => i.number === issue);
    expect(created?.title).toBe('How do I reset my API key?');
    expect(created?.body).toContain('Where do I rotate the API key? cc @\u2060octocat');
    expect(created?.body).not.toContain('peter@initech.example');
    // The issue is opened on intake (status:new); the answer's sync brings its labels in step.
    await agent.eventually(async () =>
      expect(repo.labels?.get(issue)).toEqual(['support', 'tier:L1', 'priority:normal', 'status:pending-customer']),
    );
    expect(commentsOn(issue)[0]?.body).toMatch(
      /^\*\*Agent `wowsupport`\*\* answered the customer by the API \(citing kb:/,
    );
    expect(commentsOn(issue)[0]?.body).toContain('<!-- wow-desk:origin=waooaw');
    expect(deliveredTo(ticket)[0]).toMatchObject({
      event: { type: 'support.message.outbound', data: { ticketId: ticket.id, automatic: true } },
    });
    const answer = (await ticketMessages(agent.store, ticket.id)).find((m) => m.direction === 'outbound');
    expect(answer?.deliveredAt).not.toBeNull();
    expect(deliveredTo(ticket)[0]?.delivery).toBe(answer?.id);
    expect(github.callsTo('POST /repos/{owner}/{repo}/issues')).toHaveLength(1);
  });

  it('drops its own comment coming back, whether recognised by the App, the bot, the marker or the ledger', async () => {
    const own = commentsOn(issue)[0];
    if (own === undefined) throw new Error('no comment');
    const before = (await ticketMessages(agent.store, ticket.id)).length;
    const echoes = [
      commentDelivery({ issue, commentId: own.id, body: own.body, login: doubleAppLogin, type: 'Bot', viaApp: appId }),
      commentDelivery({ issue, commentId: own.id, body: own.body, login: 'waooaw[bot]', type: 'Bot' }),
      commentDelivery({ issue, commentId: own.id, body: own.body, login: 'someone' }),
      commentDelivery({ issue, commentId: own.id, body: 'the marker stripped by an edit', login: 'someone' }),
      commentDelivery({
        issue,
        commentId: 999_000,
        body: 'no marker, no ledger row',
        login: doubleAppLogin,
        type: 'Bot',
      }),
      commentDelivery({
        issue,
        commentId: 999_001,
        body: '/reply I am another bot',
        login: 'dependabot[bot]',
        type: 'Bot',
      }),
    ];
    for (const echo of echoes) await agent.publish(echo);
    await settle();
    expect(await ticketMessages(agent.store, ticket.id)).toHaveLength(before);
    expect(commentsOn(issue)).toHaveLength(1);
    expect(deliveredTo(ticket)).toHaveLength(1);
  });

  it("keeps a person's comment internal, once under redelivery, and sends a /reply to the customer without posting it again", async () => {
    const note = commentDelivery({
      issue,
      commentId: 7001,
      body: 'Looks like the key was rotated by their admin.',
      login: 'octo',
    });
    await agent.publish(note);
    await agent.publish({ ...note, data: { ...note.data, id: randomUUID() } });
    await agent.publish(
      commentDelivery({
        issue,
        commentId: 7002,
        body: '/reply Your admin rotated the key; ask them for the new one.',
        login: 'octo',
      }),
    );
    await agent.eventually(async () => expect(deliveredTo(ticket)).toHaveLength(2));
    await settle();
    const messages = await ticketMessages(agent.store, ticket.id);
    expect(messages.filter((m) => m.channel === 'github').map((m) => [m.direction, m.body])).toEqual([
      ['internal', 'Looks like the key was rotated by their admin.'],
      ['outbound', 'Your admin rotated the key; ask them for the new one.'],
    ]);
    expect(deliveredTo(ticket)[1]?.event.data).toMatchObject({
      body: 'Your admin rotated the key; ask them for the new one.',
      automatic: false,
    });
    // Both are on GitHub already: nothing is posted for them.
    expect(commentsOn(issue)).toHaveLength(1);
  });

  it("mirrors the customer's reply; closing the issue solves the ticket; a priority label changes it and the platform rewrites the labels", async () => {
    await agent.store.transaction((tx) =>
      receiveCustomerMessage(tx, ticket.id, { body: 'The button is still greyed out for me.', channel: 'api' }),
    );
    await agent.eventually(async () =>
      expect(commentsOn(issue).some((c) => c.body.includes('> The button is still greyed out for me.'))).toBe(true),
    );
    // L1 hands the reply to L2, whose specialist takes it; the sync of that ends with the labels.
    await agent.eventually(async () => expect(repo.labels?.get(issue)).toContain('team:integration'));
    await settle();
    const closed = repo.issues?.find((i) => i.number === issue);
    if (closed !== undefined) Object.assign(closed, { state: 'closed', state_reason: 'completed' });
    await agent.publish(issueDelivery('closed', issue, 'octo'));
    await agent.eventually(async () =>
      expect(await findTicket(agent.store, ticket.id)).toMatchObject({ status: 'solved' }),
    );
    await agent.eventually(async () => expect(repo.labels?.get(issue)).toContain('status:solved'));
    repo.labels?.set(issue, [...(repo.labels.get(issue) ?? []), 'customer:vip', 'priority:urgent']);
    await agent.publish(issueDelivery('labeled', issue, 'octo', 'priority:urgent'));
    await agent.eventually(async () =>
      expect(await findTicket(agent.store, ticket.id)).toMatchObject({ priority: 'urgent' }),
    );
    await agent.eventually(async () =>
      expect(repo.labels?.get(issue)).toEqual([
        'customer:vip',
        'support',
        'tier:L2',
        'priority:urgent',
        'status:solved',
        'team:integration',
      ]),
    );
    // The desk closed nothing itself: the person did, and the issue stays closed.
    expect(github.callsTo('PATCH /repos/{owner}/{repo}/issues/{issue_number}')).toHaveLength(0);
    await agent.publish(issueDelivery('reopened', issue, 'octo'));
    await agent.eventually(async () =>
      expect(await findTicket(agent.store, ticket.id)).toMatchObject({ status: 'open' }),
    );
    await agent.eventually(async () => expect(repo.issues?.find((i) => i.number === issue)?.state).toBe('open'));
    expect(github.violations).toEqual([]);
  });
});

describe('L3: a drafted answer waits for an approver', () => {
  it("never sends a draft on /approve from someone who is not an approver, and sends it on an approver's", async () => {
    const ticket = await openByApi('Possible data leak', 'We think another customer can see our invoices.');
    const issue = await issueOf(ticket);
    // A leak is security: L2's specialist drafts from the knowledge base and the ticket waits at L3.
    let draft: string | undefined;
    let draftId = '';
    await agent.eventually(async () => {
      const found = (await ticketMessages(agent.store, ticket.id)).find((m) => m.direction === 'draft');
      draft = found?.body;
      draftId = found?.id ?? '';
      expect(draft).toContain('(kb:data-breach-response)');
    });
    expect(await findTicket(agent.store, ticket.id)).toMatchObject({
      tier: 'L3',
      topic: 'security',
      status: 'on_hold',
    });
    await settle();
    await agent.publish(commentDelivery({ issue, commentId: 8001, body: `/approve ${draftId}`, login: 'mallory' }));
    await agent.eventually(async () =>
      expect(commentsOn(issue).some((c) => c.body.includes('It is **not sent**'))).toBe(true),
    );
    await agent.eventually(async () => expect(repo.labels?.get(issue)).toContain('needs-approval'));
    await settle();
    expect(deliveredTo(ticket)).toHaveLength(0);
    expect((await ticketMessages(agent.store, ticket.id)).filter((m) => m.direction === 'outbound')).toEqual([]);
    // grace is in acme/support-leads, which SUPPORT_APPROVERS names.
    await agent.publish(commentDelivery({ issue, commentId: 8002, body: `/approve ${draftId}`, login: 'grace' }));
    await agent.eventually(async () => expect(deliveredTo(ticket)).toHaveLength(1));
    expect(deliveredTo(ticket)[0]?.event.data).toMatchObject({ body: draft, automatic: false });
    await agent.eventually(async () => expect(repo.labels?.get(issue)).not.toContain('needs-approval'));
    expect(github.violations).toEqual([]);
  });
});

describe('the doors: a ticket sent by API or by email becomes an issue and gets its answer', () => {
  it("takes a ticket from POST /api/tickets to an issue, with L1's answer mirrored and delivered", async () => {
    const log = createLogger('silent');
    const bus = await createBus({
      streamMaxLen: 100,
      defaults: { concurrency: 1, maxAttempts: 1, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 10 },
      log,
    });
    const server = await createAppServer({
      config: loadConfig({}),
      bus,
      store: agent.store,
      log,
      metrics: createMetrics({ defaultMetrics: false }),
    });
    try {
      const { key } = await issueApiKey(agent.store, 'initech');
      const res = await server.inject({
        method: 'POST',
        url: '/api/tickets',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        payload: JSON.stringify({
          subject: 'Webhook signature check',
          body: 'How do I verify the signature of the webhooks you send?',
        }),
      });
      expect(res.statusCode).toBe(201);
      const ticket = res.json<Ticket>();
      const issue = await issueOf(ticket);
      expect(repo.issues?.find((i) => i.number === issue)?.body).toContain(
        'How do I verify the signature of the webhooks you send?',
      );
      await agent.eventually(async () => expect(deliveredTo(ticket)).toHaveLength(1));
      expect(deliveredTo(ticket)[0]?.event.data.body).toContain('(kb:webhook-signatures)');
      await agent.eventually(async () =>
        expect(commentsOn(issue).some((c) => c.body.includes('(kb:webhook-signatures)'))).toBe(true),
      );
    } finally {
      await server.close();
      await bus.close();
    }
  });

  it("takes a ticket from a customer's email to an issue, without their address in it", async () => {
    const mail = await parseInboundMail(
      [
        'From: Milton <milton@initech.example>',
        'To: support@waooaw.localhost',
        'Subject: Partnership',
        'Message-ID: <m-1@initech.example>',
        'Date: Thu, 03 Dec 2026 09:00:00 +0000',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Sponsorship for our conference?',
        '',
      ].join('\r\n'),
    );
    const received = await receiveEmail(agent.store, mail);
    expect(received).toMatchObject({ did: 'opened' });
    const ticket = (await findTicket(agent.store, (received as { ticketId: string }).ticketId)) as Ticket;
    expect(ticket.channel).toBe('email');
    const issue = await issueOf(ticket);
    expect(repo.issues?.find((i) => i.number === issue)?.body).not.toContain('milton@initech.example');
    // No article answers it: L1 hands it on and the support team holds it, labelled.
    await agent.eventually(async () =>
      expect(repo.labels?.get(issue)).toEqual(expect.arrayContaining(['tier:L2', 'team:general'])),
    );
  });
});

describe('the switches', () => {
  it("trips a ticket's breaker when two machines answer each other, says so once on the issue, and sends nothing more until /resume", async () => {
    const ticket = await openByApi('Order 4411', 'Status of order 4411?');
    const issue = await issueOf(ticket);
    await settle();
    // A customer's auto-responder without RFC 3834 headers, and a careless integration replying to it.
    for (let i = 0; i < breakerLimit.messages; i++) {
      await agent.store.transaction((tx) =>
        receiveCustomerMessage(tx, ticket.id, { body: `Re: Re: ${i}`, channel: 'api' }),
      );
      await agent.store.transaction((tx) =>
        recordDeskMessage(tx, ticket.id, {
          direction: 'outbound',
          author: { kind: 'human', id: 'integration' },
          body: `ack ${i}`,
          autoSubmitted: false,
        }),
      );
    }
    await agent.emitted('support.sync.paused', (e) => (e.data as { ticketId: string }).ticketId === ticket.id);
    await settle();
    expect(
      agent.events.filter(
        (e) => e.type === 'support.sync.paused' && (e.data as { ticketId: string }).ticketId === ticket.id,
      ),
    ).toHaveLength(1);
    expect(deliveredTo(ticket).length).toBeLessThan(breakerLimit.messages);
    // The note is mirrored after the messages before it, each through the client's pacing.
    await agent.eventually(async () =>
      expect(commentsOn(issue).filter((c) => c.body.includes('Sync paused:'))).toHaveLength(1),
    );
    await agent.eventually(async () => expect(repo.labels?.get(issue)).toContain('sync:paused'));
    const delivered = deliveredTo(ticket).length;
    await agent.store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        direction: 'outbound',
        author: { kind: 'human', id: 'integration' },
        body: 'one more',
        autoSubmitted: false,
      }),
    );
    await settle();
    expect(deliveredTo(ticket)).toHaveLength(delivered);
    await agent.publish(commentDelivery({ issue, commentId: 9001, body: '/resume', login: 'octo' }));
    await settle();
    expect(repo.labels?.get(issue)).toContain('sync:paused');
    await agent.publish(commentDelivery({ issue, commentId: 9002, body: '/resume', login: 'ada' }));
    await agent.eventually(async () => expect(repo.labels?.get(issue)).not.toContain('sync:paused'));
  });

  it('with the kill switch on, answers nothing and opens no issue', async () => {
    // As `wow support kill-switch` does: the switch, then the tag its readers cache it under (through Redis there).
    const turn = async (on: boolean) => {
      await setKillSwitch(agent.store, on, 'ada');
      for (const id of ['wownotification', 'wowsupport']) await cache.namespace(id).invalidateTags([deskSettingsTag]);
    };
    await turn(true);
    try {
      const issuesBefore = repo.issues?.length ?? 0;
      const ticket = await openByApi('How do I reset my API key?', 'Where do I rotate the API key?');
      await settle();
      expect(repo.issues?.length ?? 0).toBe(issuesBefore);
      expect((await ticketMessages(agent.store, ticket.id)).filter((m) => m.direction !== 'inbound')).toEqual([]);
    } finally {
      await turn(false);
    }
  });
});
