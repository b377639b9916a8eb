import { describe, expect, it } from 'vitest';
import { createLlmClient, type Logger } from '#platform';
import { quietLog } from '#platform/testing';
import type { Message, Ticket } from '#domains/support';
import { createOpenAiDouble } from '../../../test/doubles/openai-api.ts';
import { parseArticle } from '../../wowsearch/src/index.ts';
import { draftArticle } from '../src/learning/draft-article.ts';
import { extractDraft } from '../src/learning/extract-draft.ts';
import { renderArticle } from '../src/learning/render-article.ts';
import { solvedExchange } from '../src/learning/solved-exchange.ts';

const ticket: Ticket = {
  id: '3f1c2a9e-0000-4000-8000-000000000001',
  subject: 'Webhook deliveries fail with 401 after rotating the secret',
  status: 'solved',
  priority: 'normal',
  tier: 'L2',
  topic: 'integration',
  assignee: 'wowintegration',
  customerId: null,
  channel: 'email',
  requester: { email: 'ada@acme.example', name: 'Ada Lovelace' },
  followsTicketId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};
let n = 0;
const message = (
  direction: Message['direction'],
  kind: Message['author']['kind'],
  body: string,
  auto = false,
): Message => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  direction,
  author: { kind, id: kind === 'customer' ? 'ada@acme.example' : 'someone' },
  body,
  autoSubmitted: auto,
  cites: [],
  channel: 'email',
  channelMsgId: null,
  deliveredAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
});
const messages = [
  message(
    'inbound',
    'customer',
    'Hi team,\nThis is Ada Lovelace from Acme Corp. We rotated our webhook secret yesterday. Why do all deliveries now fail with 401? ' +
      'Call me on +1 415 555 0134 if needed.\nThanks, Ada',
  ),
  message('outbound', 'agent', 'Did this answer your question? If not, reply.'),
  message('inbound', 'customer', 'I am out of the office.', true),
  message(
    'outbound',
    'human',
    'Hi Ada, thanks for reaching out! After a rotation the old secret stays valid for 24 hours only. ' +
      'Update the secret in your receiver to the new value shown under Settings → Webhooks. ' +
      'Then press Redeliver on the failed deliveries. Let us know if anything else comes up. Best regards, Grace',
  ),
  message('outbound', 'system', 'Your request is solved. How would you rate the support you received: good or bad?'),
];
const names = { customer: 'Ada Lovelace', organisation: ['Acme Corp', 'acme'] };

describe('drafting an article from a solved ticket', () => {
  it("reads the customer's question and the reply that solved it, redacted, and nothing from L1 at L1", () => {
    const exchange = solvedExchange(ticket, messages, names);
    if ('none' in exchange) throw new Error(exchange.none);
    expect(exchange.question).not.toMatch(/Ada|Lovelace|Acme|415/);
    expect(exchange.question).toContain('[phone]');
    expect(exchange.answer).toMatch(/^Hi \[customer\], thanks/);
    expect(solvedExchange({ ...ticket, tier: 'L1' }, messages, names)).toEqual({
      none: 'L1 answered it from an article the knowledge base already has',
    });
    expect(solvedExchange(ticket, messages.slice(0, 1), names)).toEqual({
      none: 'no agent or person replied to the customer',
    });
  });

  it('picks the sentences that ask and the substantial sentences of the answer, deterministically', () => {
    const exchange = solvedExchange(ticket, messages, names);
    if ('none' in exchange) throw new Error(exchange.none);
    const draft = extractDraft(exchange);
    expect(draft).toEqual({
      title: 'Webhook deliveries fail with 401 after rotating the secret',
      question: 'Why do all deliveries now fail with 401?',
      answer:
        'After a rotation the old secret stays valid for 24 hours only. ' +
        'Update the secret in your receiver to the new value shown under Settings → Webhooks. ' +
        'Then press Redeliver on the failed deliveries.',
    });
    expect(extractDraft(exchange)).toEqual(draft);
  });

  it('renders one file per ticket that WowSearch imports as it is, with hostile titles quoted and hidden characters removed', () => {
    const exchange = solvedExchange({ ...ticket, subject: 'key: "value" \u202E# not a comment' }, messages, names);
    if ('none' in exchange) throw new Error(exchange.none);
    const file = renderArticle(exchange, extractDraft(exchange), 'docs/kb/');
    expect(file.slug).toBe('key-value-not-a-comment-3f1c2a9e');
    expect(file.path).toBe(`docs/kb/learned/${file.slug}.md`);
    expect(file.intent).toBe('how-to');
    const parsed = parseArticle(file.markdown, file.slug);
    expect(parsed).toMatchObject({
      article: { slug: file.slug, title: 'key: "value" # not a comment', intent: 'how-to' },
    });
    expect('article' in parsed && parsed.article.body).toMatch(
      /^\*\*Why do all deliveries now fail with 401\?\*\*\n\nAfter a rotation/,
    );
    const security = renderArticle({ ...exchange, topic: 'security' }, extractDraft(exchange), 'docs/kb');
    expect(security.intent).toBe('security');
    expect(renderArticle({ ...exchange, topic: 'billing' }, extractDraft(exchange), 'kb').intent).toBe(
      'billing-question',
    );
  });

  it("uses the model's draft where one is configured, redacted again, and the extractive one when it fails or is out of shape", async () => {
    const exchange = solvedExchange(ticket, messages, names);
    if ('none' in exchange) throw new Error(exchange.none);
    let reply: string | { status: number; message: string } = JSON.stringify({
      title: 'Webhooks fail with 401 after a secret rotation',
      question: 'Why do deliveries fail with 401 after I rotate the webhook secret?',
      answer: 'Put the new secret in your receiver, then redeliver. Ada Lovelace at ada@acme.example confirmed it.',
    });
    const model = createOpenAiDouble(() => reply);
    const llm = createLlmClient(
      { model: 'llama3.1', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: undefined },
      { fetch: model.fetch },
    );
    const log: Logger = quietLog;
    const drafted = await draftArticle(llm, exchange, names, log);
    expect(drafted.by).toBe('model');
    expect(drafted.draft.answer).toBe(
      'Put the new secret in your receiver, then redeliver. [customer] at [email] confirmed it.',
    );
    const prompt = model.requests.at(-1)?.messages[1]?.content ?? '';
    expect(prompt).toContain('Why do all deliveries now fail with 401?');
    expect(prompt).not.toMatch(/Ada|Lovelace|Acme|ada@/);
    expect(model.violations).toEqual([]);
    for (const bad of ['NO_ARTICLE', '{"title": "x"}', 'not json', { status: 500, message: 'down' }]) {
      reply = bad;
      expect(await draftArticle(llm, exchange, names, log)).toEqual({
        draft: extractDraft(exchange),
        by: 'extractive',
      });
    }
    expect(await draftArticle(undefined, exchange, names, log)).toEqual({
      draft: extractDraft(exchange),
      by: 'extractive',
    });
  });
});
