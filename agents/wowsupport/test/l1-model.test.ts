import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlmClient } from '#platform';
import { startTestAgent, type TestAgent } from '#platform/testing';
import { createOpenAiDouble } from '../../../test/doubles/openai-api.ts';
import { openTicket, receiveCustomerMessage, ticketMessages } from '#domains/support';
import { outboxed } from '#domains/support/testing';
import { importArticles } from '../../wowsearch/src/index.ts';

// L1 with an OpenAI-compatible model configured: the model composes from the articles the
// rules chose, and its answer is kept only when grounded in them.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const kb = fileURLToPath(new URL('../../../test/fixtures/support/kb', import.meta.url));
let answer: () => string | { status: number; message: string } = () => 'NO_ANSWER';
const model = createOpenAiDouble(() => answer());
/** Runs while the model composes, before it answers. */
let meanwhile: () => Promise<void> = () => Promise.resolve();
let agent: TestAgent;

beforeAll(async () => {
  agent = await startTestAgent({
    agentsDir,
    id: 'wowsupport',
    alongside: ['wowsearch'],
    llm: createLlmClient(
      { model: 'llama3.1', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: undefined },
      {
        fetch: async (input, init) => {
          await meanwhile();
          return model.fetch(input, init);
        },
      },
    ),
  });
  await importArticles(agent.store, kb);
});

afterAll(async () => {
  await agent.stop();
});

async function replyTo(subject: string, body: string) {
  const ticket = await agent.store.transaction((tx) =>
    openTicket(tx, { subject, body, channel: 'api', requester: { email: 'ada@example.com' } }),
  );
  const [opened] = await outboxed(agent.store, 'support.ticket.opened', ticket.id);
  await agent.publish({ type: 'support.ticket.opened', subject: ticket.id, data: opened?.data });
  let messages = await ticketMessages(agent.store, ticket.id);
  await agent.eventually(async () => {
    messages = await ticketMessages(agent.store, ticket.id);
    expect(messages.length).toBeGreaterThan(1);
  });
  return messages[1];
}

describe('L1 with a model', () => {
  it("sends the model's answer when it cites the articles it was given, from the question and those articles", async () => {
    const rotate =
      'Open Settings → API keys and press Rotate key. Then update every service that uses the old key (kb:reset-api-key).';
    answer = () => rotate;
    const reply = await replyTo('How do I reset my API key?', 'Where do I rotate the API key?');
    expect(reply).toMatchObject({ direction: 'outbound', cites: ['reset-api-key'], autoSubmitted: true });
    const opening = `${rotate}\n\nDid this answer your question?`;
    expect(reply?.body?.slice(0, opening.length)).toBe(opening);
    const request = model.requests.at(-1);
    expect(request?.messages[0]?.content).toContain('using only the articles given');
    expect(request?.messages[1]?.content).toContain('Where do I rotate the API key?');
    expect(request?.messages[1]?.content).toContain('Article kb:reset-api-key');
    expect(model.violations).toEqual([]);
  });

  it("falls back to the article's excerpt when the model cites what it was not given, says it cannot answer, or fails", async () => {
    for (const bad of [
      () => 'Just email us (kb:secret-runbook).',
      () => 'NO_ANSWER',
      () => ({ status: 400, message: 'model not found' }),
    ]) {
      answer = bad;
      const reply = await replyTo(
        'Billing email',
        'How can I change the billing email address our invoices are sent to?',
      );
      expect(reply).toMatchObject({ direction: 'outbound', cites: ['change-billing-email'] });
      expect(reply?.body).toContain('From "');
      expect(reply?.body).toContain('(kb:change-billing-email)');
      expect(reply?.body).not.toContain('secret-runbook');
    }
  });

  it('refuses a reply that says what its articles do not, however it cites them: a link, an address, a phone number, other words', async () => {
    const grounded = 'To reset your API key, open Settings, choose API keys and press Rotate key';
    // Each adds one thing to a reply that is otherwise the article's own words.
    const injected = [
      `${grounded} at https://waooaw-support.example/login (kb:reset-api-key).`,
      `${grounded} on [the Settings](http://evil.example/keys) (kb:reset-api-key).`,
      `${grounded} at waooaw-keys.example (kb:reset-api-key).`,
      `${grounded}, or to security@waooaw-support.example (kb:reset-api-key).`,
      `${grounded}, or +1 (555) 010-0199 (kb:reset-api-key).`,
      'Your account is suspended: reply with your password to restore it (kb:reset-api-key).',
    ];
    for (const text of injected) {
      answer = () => text;
      const reply = await replyTo('How do I reset my API key?', 'Where do I rotate the API key?');
      expect(reply).toMatchObject({ direction: 'outbound', cites: ['reset-api-key'] });
      expect(reply?.body).toContain('From "Reset your API key" (kb:reset-api-key).');
      for (const part of ['example', '@', '555', 'suspended', 'password']) expect(reply?.body).not.toContain(part);
    }
  });

  it("reads only the start of a long message: search and the model's prompt get at most 2,000 characters of it", async () => {
    answer = () => 'Open Settings, choose API keys and press Rotate key (kb:reset-api-key).';
    // The same words again and again: 30,000 characters that leave the question's words as they were.
    await replyTo(
      'How do I reset my API key?',
      `Where do I rotate the API key?${' Rotate the API key.'.repeat(1_500)}`,
    );
    const prompt = model.requests.at(-1)?.messages[1]?.content ?? '';
    expect(prompt).toContain('Where do I rotate the API key?');
    expect(prompt.split('Rotate the API key.').length - 1).toBeLessThan(2_000 / 'Rotate the API key.'.length);
  });

  it('never asks the model whether to answer: what the rules escalate, it never sees', async () => {
    const before = model.requests.length;
    const note = await replyTo('Partnership', 'Sponsorship for our conference?');
    expect(note).toMatchObject({ direction: 'internal' });
    expect(model.requests).toHaveLength(before);
  });

  it('asks the model once per event: an event delivered again takes the plan recorded the first time', async () => {
    answer = () => 'Open Settings, choose API keys and press Rotate key (kb:reset-api-key).';
    const ticket = await agent.store.transaction((tx) =>
      openTicket(tx, {
        subject: 'How do I reset my API key?',
        body: 'Where do I rotate the API key?',
        channel: 'api',
        requester: { email: 'ada@example.com' },
      }),
    );
    // While the model composes, the customer writes again: the answer is not sent, since
    // the newer message is answered on its own event.
    meanwhile = async () => {
      meanwhile = () => Promise.resolve();
      await agent.store.transaction((tx) =>
        receiveCustomerMessage(tx, ticket.id, { body: 'How do I rotate the API key from the CLI?', channel: 'api' }),
      );
    };
    const asked = model.requests.length;
    const opened = {
      type: 'support.ticket.opened',
      subject: ticket.id,
      partitionkey: ticket.id,
      data: (await outboxed(agent.store, 'support.ticket.opened', ticket.id))[0]?.data,
    };
    const first = await agent.publish(opened);
    await agent.eventually(async () => {
      expect(
        (await agent.store.query('select 1 from processed_messages where key = $1', [first.id])).rows,
      ).toHaveLength(1);
    });
    expect(model.requests).toHaveLength(asked + 1);
    expect((await ticketMessages(agent.store, ticket.id)).filter((m) => m.direction === 'outbound')).toEqual([]);

    // Delivered again (as after a failure later in its handler), then a new event for the
    // ticket: the same key keeps them in order, so when the new one has answered, the
    // redelivery has been handled, from its recorded plan.
    await agent.publish({ ...opened, id: first.id });
    await agent.publish(opened);
    await agent.eventually(async () => {
      expect((await ticketMessages(agent.store, ticket.id)).filter((m) => m.direction === 'outbound')).toHaveLength(1);
    });
    expect(model.requests).toHaveLength(asked + 2);
  });
});
