import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';
import { openTicket, recordDeskMessage, verifyCustomerWebhook } from '#domains/support';

// The agent on the real runtime: the in-process bus, an embedded PostgreSQL, the outbox
// relayed, and a customer's webhook endpoint that checks the desk's signature.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const secret = 'whsec-acceptance';
const customerId = randomUUID();
let agent: TestAgent;
let endpoint: Server;
const verified: string[] = [];

beforeAll(async () => {
  endpoint = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const ok = verifyCustomerWebhook({ secret, body, headers: req.headers });
      if (ok) verified.push(body);
      res.writeHead(ok ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  const { port } = endpoint.address() as { port: number };
  agent = await startTestAgent({ agentsDir, id: 'wownotification', relayOutbox: true });
  await agent.store.query(
    'insert into support_customers (id, slug, name, webhook_url, webhook_secret) values ($1, $2, $3, $4, $5)',
    [customerId, 'acceptance', 'Acceptance', `http://127.0.0.1:${port}/hooks/wow`, secret],
  );
});

afterAll(async () => {
  await agent.stop();
  await new Promise((resolve) => endpoint.close(resolve));
});

describe('WowNotification', () => {
  it('Given support.message.outbound for a customer with a webhook, when WowNotification handles it, then it emits support.message.delivered', async () => {
    const { ticketId, messageId } = await agent.store.transaction(async (tx) => {
      const ticket = await openTicket(tx, {
        subject: 'Where is my invoice?',
        body: 'I cannot find the invoice for March.',
        channel: 'api',
        customerId,
        requester: { email: 'ada@acceptance.example', name: 'Ada' },
      });
      const sent = await recordDeskMessage(tx, ticket.id, {
        direction: 'outbound',
        author: { kind: 'human', id: 'grace' },
        body: 'It is under Billing, then Invoices.',
        autoSubmitted: false,
      });
      return { ticketId: ticket.id, messageId: sent.messageId };
    });
    const announced = await agent.emitted(
      'support.message.delivered',
      (e) => (e.data as { messageId?: string }).messageId === messageId,
    );
    expect(announced.subject).toBe(ticketId);
    expect(announced.data).toMatchObject({ ticketId, channel: 'webhook' });
    expect(verified.some((body) => body.includes('It is under Billing, then Invoices.'))).toBe(true);
  });
});
