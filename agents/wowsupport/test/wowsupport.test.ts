import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';
import { findTicket, openTicket, receiveCustomerMessage, ticketMessages, type Ticket } from '#domains/support';
import { importArticles } from '../../wowsearch/src/index.ts';

// The agent on the real runtime: the in-process bus and an embedded PostgreSQL, with the
// knowledge base and the labelled tickets of test/fixtures/support.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = new URL('../../../test/fixtures/support/', import.meta.url);
const labelled = parse(await readFile(new URL('labelled-tickets.yml', fixtures), 'utf8')) as {
  subject: string;
  body: string;
  answer?: string;
  escalate?: string;
  topic?: string;
  tier?: 'L2' | 'L3';
  assignee?: string;
}[];
let agent: TestAgent;

beforeAll(async () => {
  // WowEvent too: L2 reads the concerned agents' recent events from its archive.
  agent = await startTestAgent({ agentsDir, id: 'wowsupport', alongside: ['wowsearch', 'wowevent'] });
  await importArticles(agent.store, fileURLToPath(new URL('kb', fixtures)));
});

afterAll(async () => {
  await agent.stop();
});

/** Opens a ticket as intake does, and hands its event to the agent as the outbox relay would. */
async function open(subject: string, body: string): Promise<Ticket> {
  const ticket = await agent.store.transaction((tx) =>
    openTicket(tx, { subject, body, channel: 'api', requester: { email: 'ada@example.com', name: 'Ada' } }),
  );
  await agent.publish({ type: 'support.ticket.opened', subject: ticket.id, data: { ticketId: ticket.id } });
  return ticket;
}
/** What the agent did with the ticket: answered, or escalated. */
const outcomeOf = (ticketId: string) =>
  Promise.race([
    agent
      .emitted('support.ticket.answered', (e) => (e.data as { ticketId: string }).ticketId === ticketId)
      .then(() => 'answered'),
    agent
      .emitted('support.ticket.escalated', (e) => (e.data as { ticketId: string }).ticketId === ticketId)
      .then(() => 'escalated'),
  ]);
/** The ticket once L2 has routed it to a specialist. */
async function routed(ticketId: string): Promise<Ticket> {
  let ticket: Ticket | undefined;
  await agent.eventually(async () => {
    ticket = await findTicket(agent.store, ticketId);
    expect(ticket?.topic).not.toBeNull();
  });
  return ticket as Ticket;
}

describe('WowSupport L1', () => {
  it.each(labelled.map((l) => [`${l.subject} → ${l.answer ?? 'L2'}`, l] as const))('%s', async (_name, example) => {
    const ticket = await open(example.subject, example.body);
    const type = await outcomeOf(ticket.id);
    const after = await findTicket(agent.store, ticket.id);
    const messages = await ticketMessages(agent.store, ticket.id);
    if (example.answer !== undefined) {
      expect(type).toBe('answered');
      expect(after).toMatchObject({ status: 'pending_customer', tier: 'L1' });
      const reply = messages.find((m) => m.direction === 'outbound');
      expect(reply).toMatchObject({
        autoSubmitted: true,
        cites: [example.answer],
        author: { kind: 'agent', id: 'wowsupport' },
      });
      expect(reply?.body).toContain(`(kb:${example.answer})`);
      expect(reply?.body).toContain('Did this answer your question?');
    } else {
      expect(type).toBe('escalated');
      const ticketNow = await routed(ticket.id);
      const now = await ticketMessages(agent.store, ticket.id);
      expect(ticketNow).toMatchObject({
        topic: example.topic,
        tier: example.tier,
        assignee: example.assignee,
        status: example.tier === 'L3' ? 'on_hold' : 'open',
      });
      // Nothing reaches the customer: billing and the rest go to people, L3 waits as a draft.
      expect(now.filter((m) => m.direction === 'outbound')).toEqual([]);
      expect(now.filter((m) => m.direction === 'draft')).toHaveLength(example.tier === 'L3' ? 1 : 0);
      if (example.escalate !== undefined)
        expect(now.find((m) => m.direction === 'internal')?.body).toContain(example.escalate);
      expect(now.find((m) => m.author.id === `wowsupport/${example.topic}`)?.body).toMatch(
        new RegExp(`^L2 specialist \\(${example.topic}\\)`),
      );
    }
  });

  it('hands the ticket to L2 when the customer replies to its answer, and answers an event once', async () => {
    const ticket = await open('How do I reset my API key?', 'Where do I rotate the API key?');
    await agent.emitted('support.ticket.answered', (e) => (e.data as { ticketId: string }).ticketId === ticket.id);
    await agent.store.transaction((tx) =>
      receiveCustomerMessage(tx, ticket.id, { body: 'That did not work, the button is greyed out.', channel: 'api' }),
    );
    const reply = await agent.publish({
      type: 'support.message.received',
      subject: ticket.id,
      data: { ticketId: ticket.id },
    });
    const escalated = await agent.emitted(
      'support.ticket.escalated',
      (e) => (e.data as { ticketId: string }).ticketId === ticket.id,
    );
    expect(escalated.data).toMatchObject({
      tier: 'L2',
      reason: "the customer replied to L1's answer, so it did not solve the problem",
    });
    expect(await routed(ticket.id)).toMatchObject({
      status: 'open',
      tier: 'L2',
      topic: 'integration',
      assignee: 'team:integration',
    });
    // Redelivered, the same event changes nothing.
    await agent.publish({
      id: reply.id,
      type: 'support.message.received',
      subject: ticket.id,
      data: { ticketId: ticket.id },
    });
    await agent.eventually(async () => {
      expect(
        (await agent.store.query('select 1 from processed_messages where key = $1', [`${reply.id}:specialist`])).rows,
      ).toHaveLength(1);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(
      (await ticketMessages(agent.store, ticket.id)).filter((m) => m.direction === 'internal').map((m) => m.author.id),
    ).toEqual(['wowsupport', 'wowsupport/integration']);
  });

  it('answers a status question about an agent from the registry, and hands one about an agent that is down to L3', async () => {
    const running = await open('Is WowSupport running?', 'Is WowSupport up at the moment?');
    expect(await outcomeOf(running.id)).toBe('answered');
    const [, reply] = await ticketMessages(agent.store, running.id);
    expect(reply?.body).toMatch(/^WowSupport \(wowsupport\) is (Available|Working)\. No incident is open for it\.\n/);
    // The customer hears the status only: nothing of how the platform runs the agent.
    expect(reply?.body).not.toMatch(/instance|heartbeat|version|commit/);
    expect(reply?.body).toContain("From the platform's registry");

    await agent.store.query(
      "insert into agents (id, name, version, description, manifest) values ('ghost', 'Ghost', '1.0.0', 'Never started', '{}') on conflict do nothing",
    );
    const down = await open('Ghost', 'What is the status of Ghost? Nothing happens.');
    expect(await outcomeOf(down.id)).toBe('escalated');
    expect(await routed(down.id)).toMatchObject({ tier: 'L3', topic: 'outage', status: 'on_hold' });
    const messages = await ticketMessages(agent.store, down.id);
    expect(messages.find((m) => m.direction === 'internal')?.body).toContain('(ghost is Offline)');
    expect(messages.find((m) => m.direction === 'draft')?.body).toContain('Ghost is not running at the moment');
  });

  it("notes at L2 what the agents concerned sent lately, from WowEvent's archive", async () => {
    // WowSearch's own announcements, as WowEvent archived them.
    for (const n of [1, 2]) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await agent.publish({
        type: 'search.articles.indexed',
        source: 'urn:wow:agent:wowsearch',
        subject: `batch-${n}`,
        data: { n },
      });
    }
    const ticket = await open('Slow search', 'WowSearch results are slow since Monday.');
    await routed(ticket.id);
    const note = (await ticketMessages(agent.store, ticket.id)).find(
      (m) => m.direction === 'internal' && m.body.startsWith('L2 specialist'),
    )?.body;
    expect(note).toMatch(
      /^- wowsearch: latest events sent \(WowEvent's archive, newest first\): search\.articles\.indexed at \S+ \(batch-2\); search\.articles\.indexed at \S+ \(batch-1\)\.$/m,
    );
  });

  it('solves the ticket when the customer confirms the answer worked, and takes a doubtful thanks as a reply', async () => {
    const ticket = await open('Billing email', 'How can I change the billing email address our invoices are sent to?');
    await agent.emitted('support.ticket.answered', (e) => (e.data as { ticketId: string }).ticketId === ticket.id);
    await agent.store.transaction((tx) =>
      receiveCustomerMessage(tx, ticket.id, {
        body: 'Thanks, that worked!\n\nOn Monday, WowSupport wrote:\n> Open Settings',
        channel: 'api',
      }),
    );
    await agent.publish({ type: 'support.message.received', subject: ticket.id, data: { ticketId: ticket.id } });
    await agent.eventually(async () =>
      expect(await findTicket(agent.store, ticket.id)).toMatchObject({ status: 'solved', tier: 'L1' }),
    );
    const after = await ticketMessages(agent.store, ticket.id);
    expect(after.filter((m) => m.direction === 'internal').at(-1)?.body).toBe(
      "Solved: the customer confirmed L1's answer solved it.",
    );
    // Solved: the customer is asked how the support was.
    expect(after.at(-1)?.body).toMatch(/How would you rate the support you received/);

    const doubtful = await open('How do I reset my API key?', 'Where do I rotate the API key?');
    await agent.emitted('support.ticket.answered', (e) => (e.data as { ticketId: string }).ticketId === doubtful.id);
    await agent.store.transaction((tx) =>
      receiveCustomerMessage(tx, doubtful.id, { body: 'Thanks, but it still does not work.', channel: 'api' }),
    );
    await agent.publish({ type: 'support.message.received', subject: doubtful.id, data: { ticketId: doubtful.id } });
    expect(await routed(doubtful.id)).toMatchObject({ tier: 'L2', status: 'open' });
  });

  it('never answers an automatic reply', async () => {
    const ticket = await open('Out of office', 'I am away until Monday.');
    await outcomeOf(ticket.id);
    await routed(ticket.id);
    const before = (await ticketMessages(agent.store, ticket.id)).length;
    await agent.store.transaction((tx) =>
      receiveCustomerMessage(tx, ticket.id, {
        body: 'Automatic reply: I am out of the office.',
        autoSubmitted: true,
        channel: 'api',
      }),
    );
    const auto = await agent.publish({
      type: 'support.message.received',
      subject: ticket.id,
      data: { ticketId: ticket.id },
    });
    // Handled (its run-once key is taken) and left alone: no reply, no escalation.
    await agent.eventually(async () => {
      expect((await agent.store.query('select 1 from processed_messages where key = $1', [auto.id])).rows).toHaveLength(
        1,
      );
    });
    expect(await ticketMessages(agent.store, ticket.id)).toHaveLength(before + 1);
  });
});
