import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';
import { openTicket, verifyCustomerWebhook } from '#domains/support';
import { outboxed } from '#domains/support/testing';
import { importArticles } from '../../wowsearch/src/index.ts';
import { findArchivedEvents, renderTrace, traceOf, type TraceNode } from '../src/index.ts';

// A ticket's whole way through the desk, as `wow trace` reads it from WowEvent's archive:
// intake opens it, WowSupport's L1 answers from the knowledge base (the desk writes
// support.message.outbound to the outbox inside WowSupport's handler), and WowNotification
// delivers the answer to the customer's webhook. The in-process bus and an embedded
// PostgreSQL, the outbox relayed as the platform does.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = new URL('../../../test/fixtures/support/', import.meta.url);
const secret = 'whsec-trace';
const customerId = randomUUID();
let agent: TestAgent;
let endpoint: Server;
const delivered: string[] = [];

beforeAll(async () => {
  endpoint = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const ok = verifyCustomerWebhook({ secret, body, headers: req.headers });
      if (ok) delivered.push(body);
      res.writeHead(ok ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  const { port } = endpoint.address() as { port: number };
  agent = await startTestAgent({
    agentsDir,
    id: 'wowevent',
    alongside: ['wowsupport', 'wowsearch', 'wowanalytics', 'wownotification'],
    relayOutbox: true,
  });
  await importArticles(agent.store, fileURLToPath(new URL('kb', fixtures)));
  await agent.store.query(
    'insert into support_customers (id, slug, name, webhook_url, webhook_secret) values ($1, $2, $3, $4, $5)',
    [customerId, 'tracer', 'Tracer', `http://127.0.0.1:${port}/hooks/wow`, secret],
  );
}, 60_000);

afterAll(async () => {
  await agent.stop();
  await new Promise((resolve) => endpoint.close(resolve));
});

const shape = (n: TraceNode): unknown => ({
  type: n.event.type,
  source: n.event.source,
  children: n.children
    .map(shape)
    .sort((a, b) => (a as { type: string }).type.localeCompare((b as { type: string }).type)),
});

describe("A ticket's trace", () => {
  it('follows the answer the desk wrote to the outbox inside WowSupport, and its delivery by WowNotification', async () => {
    const ticket = await agent.store.transaction((tx) =>
      openTicket(tx, {
        subject: 'How do I reset my API key?',
        body: 'I need to rotate the API key of our organisation. Where do I reset it?',
        channel: 'api',
        customerId,
        requester: { email: 'ada@tracer.example', name: 'Ada' },
      }),
    );
    const [opened] = await outboxed(agent.store, 'support.ticket.opened', ticket.id);
    if (opened === undefined) throw new Error('intake wrote no support.ticket.opened');
    await agent.eventually(
      async () => {
        const archived = await findArchivedEvents(agent.store, {
          type: 'support.message.delivered',
          limit: 10,
          order: 'oldest',
        });
        expect(archived.map((e) => e.subject)).toContain(ticket.id);
      },
      { timeoutMs: 30_000 },
    );
    expect(delivered.some((body) => body.includes('(kb:reset-api-key)'))).toBe(true);

    const trace = await traceOf(agent.store, opened.id);
    expect(shape(trace)).toEqual({
      type: 'support.ticket.opened',
      source: 'wow/support-intake',
      children: [
        { type: 'search.articles', source: 'urn:wow:agent:wowsupport', children: [] },
        {
          // Written by the desk's code (recordDeskMessage) in WowSupport's transaction, not by ctx.emit.
          type: 'support.message.outbound',
          source: 'wow/support-intake',
          children: [{ type: 'support.message.delivered', source: 'urn:wow:agent:wownotification', children: [] }],
        },
        { type: 'support.ticket.answered', source: 'urn:wow:agent:wowsupport', children: [] },
      ],
    });
    // The outbound message names the delivery that wrote it, in the ticket's trace.
    const outbound = trace.children.find((n) => n.event.type === 'support.message.outbound');
    expect(outbound?.event.causedBy).toBe(opened.id);
    expect(outbound?.event.traceId).toBe(trace.event.traceId);
    const rendered = renderTrace(trace).split('\n');
    expect(rendered).toContainEqual(expect.stringMatching(/^[├└]─ support\.message\.outbound {2}wow\/support-intake /));
    expect(rendered).toContainEqual(
      expect.stringMatching(/^[│ ] {2}└─ support\.message\.delivered {2}urn:wow:agent:wownotification /),
    );
  });
});
