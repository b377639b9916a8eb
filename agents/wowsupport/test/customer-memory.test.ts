import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';
import { createCustomer, findTicket, openTicket, ticketMessages, type Ticket } from '#domains/support';
import { importArticles } from '../../wowsearch/src/index.ts';
import { createMemory, memorySettings } from '../../wowmemory/src/index.ts';

// WowSupport with WowMemory's memory (ctx.memory) on the real runtime: the in-process bus,
// an embedded PostgreSQL, WowSearch answering its searches, and the outbox relayed, so
// each ticket's events carry their customer as the intake wrote them.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = new URL('../../../test/fixtures/support/', import.meta.url);
let agent: TestAgent;
const customers = new Map<string, string>();

beforeAll(async () => {
  agent = await startTestAgent({
    agentsDir,
    id: 'wowsupport',
    alongside: ['wowsearch', 'wowmemory'],
    relayOutbox: true,
    memory: (store) => createMemory(store, { settings: memorySettings.parse({}) }),
  });
  await importArticles(agent.store, fileURLToPath(new URL('kb', fixtures)));
  for (const slug of ['acme', 'globex'])
    customers.set(slug, (await createCustomer(agent.store, { slug, name: slug.toUpperCase() })).id);
});

afterAll(async () => {
  await agent.stop();
});

/** Opens a ticket for `customer` as intake does; the relay delivers its event. */
async function open(customer: string, subject: string, body: string): Promise<Ticket> {
  return agent.store.transaction((tx) =>
    openTicket(tx, {
      subject,
      body,
      channel: 'api',
      customerId: customers.get(customer),
      requester: { email: `ada@${customer}.example`, name: 'Ada' },
    }),
  );
}

const outcomeOf = (ticketId: string) =>
  Promise.race([
    agent
      .emitted('support.ticket.answered', (e) => (e.data as { ticketId: string }).ticketId === ticketId)
      .then((e) => ({ did: 'answered', event: e })),
    agent
      .emitted('support.ticket.escalated', (e) => (e.data as { ticketId: string }).ticketId === ticketId)
      .then((e) => ({ did: 'escalated', event: e })),
  ]);

const vague = { subject: 'Same problem again', body: 'It happened again, the same problem as last time.' };

describe('WowSupport with memory', () => {
  it("answers a customer's second ticket from what their first taught it, and not another customer's", async () => {
    const first = await open(
      'acme',
      'How do I reset my API key?',
      'We are on the Pro plan. I need to rotate the API key of our organisation. Where do I reset it?',
    );
    const answered = await outcomeOf(first.id);
    expect(answered.did).toBe('answered');
    // The events of Acme's ticket name Acme, and what WowSupport emits for it too.
    expect(answered.event.customer).toBe('acme');

    const second = await open('acme', vague.subject, vague.body);
    expect((await outcomeOf(second.id)).did).toBe('answered');
    const reply = (await ticketMessages(agent.store, second.id)).find((m) => m.direction === 'outbound');
    expect(reply?.cites).toEqual(['reset-api-key']);
    expect(reply?.body).toContain('your earlier ticket');

    // The same words from Globex, whom nothing is remembered of, are not answered from Acme's ticket.
    const other = await open('globex', vague.subject, vague.body);
    expect((await outcomeOf(other.id)).did).toBe('escalated');
  });

  it("remembers the customer's plan and conversation, with the agent and event that learned them", async () => {
    const { rows: facts } = await agent.store.query<{ key: string; value: unknown; agent: string; event_id: string }>(
      `select key, value, agent, event_id from memory_facts where owner_kind = 'customer' and owner = 'acme' order by key`,
    );
    const plan = facts.find((f) => f.key === 'support.plan');
    expect(plan).toMatchObject({ value: { plan: 'Pro' }, agent: 'wowsupport' });
    // The event it handled (the first ticket's support.ticket.opened; exact ids: agents/wowmemory/test/isolation.test.ts).
    expect(plan?.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(facts.map((f) => f.key)).toEqual(
      expect.arrayContaining(['support.answered.reset-api-key', 'support.last_answer', 'support.plan']),
    );
    const { rows: history } = await agent.store.query<{ role: string }>(
      `select role from memory_messages where owner_kind = 'customer' and owner = 'acme' order by id`,
    );
    expect(history.map((m) => m.role)).toEqual(['customer', 'agent', 'customer', 'agent']);
    const { rows: globex } = await agent.store.query<{ key: string }>(
      `select key from memory_facts where owner_kind = 'customer' and owner = 'globex'`,
    );
    expect(globex).toEqual([]);
  });

  it('tells L2 what earlier tickets taught of the customer, on the note for whoever takes this one', async () => {
    const ticket = await open(
      'acme',
      'Invoice looks wrong',
      'Our March invoice charges us twice for the same seats, please refund one.',
    );
    expect((await outcomeOf(ticket.id)).did).toBe('escalated');
    await agent.eventually(async () => {
      expect((await findTicket(agent.store, ticket.id))?.topic).toBe('billing');
    });
    const note = (await ticketMessages(agent.store, ticket.id)).find(
      (m) => m.direction === 'internal' && m.body.startsWith('L2 specialist'),
    );
    expect(note?.body).toContain('Remembered of this customer: on the Pro plan.');
    expect(note?.body).toContain('Earlier L1 answers to this customer: kb:reset-api-key.');
  });
});
