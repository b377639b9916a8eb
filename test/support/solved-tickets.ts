import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { PgQueryable, Store } from '#platform';
import {
  createCustomer,
  openTicket,
  receiveCustomerMessage,
  recordDeskMessage,
  setTicketRouting,
} from '#domains/support';
import { outboxed } from '#domains/support/testing';
import { searchArticles } from '../../agents/wowsearch/src/index.ts';
import {
  asksForPerson,
  decideL1,
  defaultL1Policy,
  questionOf,
} from '../../agents/wowsupport/src/tiers/answer-at-l1.ts';

// The learning loop's replayed set (test/fixtures/support/learning/solved-tickets.yml): the
// solved L2/L3 tickets an article is drafted from, and the held-out questions that measure
// whether L1 answers more after the articles are merged. Shared by the loop's test and
// `npm run bench -- support-learning`.

export interface SolvedTicket {
  subject: string;
  body: string;
  reply: string;
  tier: 'L2' | 'L3';
  topic: string;
  customer: { name: string; org: string };
  heldOut: { subject: string; body: string };
}

export const solvedTicketsFile = new URL('../fixtures/support/learning/solved-tickets.yml', import.meta.url);

export async function loadSolvedTickets(): Promise<SolvedTicket[]> {
  return parse(await readFile(solvedTicketsFile, 'utf8')) as SolvedTicket[];
}

/** A made-up address for a made-up person: "Maria Gonzalez" at "Brightline Ltd" → maria.gonzalez@brightline-ltd.example. */
const addressOf = ({ name, org }: SolvedTicket['customer']) =>
  `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@${slugOf(org)}.example`;
const slugOf = (text: string) =>
  text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/**
 * One ticket as the desk lived it: opened by email by a customer of an organisation, at the
 * tier and topic L2 routed it to, answered and solved by a person, then rated good by the
 * customer's reply to the survey. Returns the rating's event as the domain wrote it to the outbox.
 */
export async function recordSolvedTicket(
  store: Store,
  ticket: SolvedTicket,
): Promise<{ ticketId: string; rating: { ticketId: string; csatId: string; rating: 'good'; commented: boolean } }> {
  const ticketId = await store.transaction(async (tx: PgQueryable) => {
    const slug = slugOf(ticket.customer.org).slice(0, 60);
    const existing = await tx.query<{ id: string }>('select id from support_customers where slug = $1', [slug]);
    const customerId = existing.rows[0]?.id ?? (await createCustomer(tx, { slug, name: ticket.customer.org })).id;
    const opened = await openTicket(tx, {
      subject: ticket.subject,
      body: ticket.body,
      channel: 'email',
      customerId,
      requester: { email: addressOf(ticket.customer), name: ticket.customer.name },
    });
    await setTicketRouting(tx, opened.id, { tier: ticket.tier, topic: ticket.topic, assignee: `${ticket.topic}-team` });
    await recordDeskMessage(tx, opened.id, {
      direction: 'outbound',
      author: { kind: 'human', id: 'grace' },
      body: ticket.reply,
      autoSubmitted: false,
      action: 'solve',
    });
    await receiveCustomerMessage(tx, opened.id, { body: 'Good - that solved it, thank you!', channel: 'email' });
    return opened.id;
  });
  const [rated] = await outboxed(store, 'support.csat.received', ticketId);
  return { ticketId, rating: rated?.data as { ticketId: string; csatId: string; rating: 'good'; commented: boolean } };
}

/**
 * Which of `questions` L1 answers alone from the knowledge base as it stands, decided as L1
 * decides (WowSearch's best three articles, then the threshold and the intents L1 may answer).
 */
export async function answeredAtL1(
  store: Store,
  questions: readonly { subject: string; body: string }[],
): Promise<boolean[]> {
  const answered: boolean[] = [];
  for (const q of questions) {
    const question = questionOf(q.subject, q.body);
    answered.push(
      !asksForPerson(question) && decideL1(await searchArticles(store, question, 3), defaultL1Policy).answer,
    );
  }
  return answered;
}

/**
 * What of the ticket's customer an article still names: their name or its parts, their
 * organisation, their address, or any address at all (whole words, whatever the case).
 */
export function personalDataIn(text: string, ticket: SolvedTicket): string[] {
  const { name, org } = ticket.customer;
  const words = [name, ...name.split(/\s+/), org, addressOf(ticket.customer)].filter((w) => w.length >= 3);
  const found = words.filter((w) =>
    new RegExp(`(?<![\\p{L}\\p{N}])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'iu').test(text),
  );
  return /[\w.+-]+@[\w-]+\.[\w.-]+/.test(text) ? [...found, 'an email address'] : found;
}

/** The share of `flags` that are true, 0 to 1. */
export const shareOf = (flags: readonly boolean[]) =>
  flags.length === 0 ? 0 : flags.filter(Boolean).length / flags.length;
