import type { Message, Ticket } from '#domains/support';
import { redactPersonalData, type PersonalNames } from './redact-personal-data.ts';

/** What an article is drafted from: the customer's question and the reply that solved it, both redacted. */
export interface SolvedExchange {
  ticketId: string;
  tier: 'L2' | 'L3';
  topic: string | null;
  subject: string;
  /** The customer's messages up to the answer, oldest first. */
  question: string;
  /** The reply from an agent or a person that the customer rated good. */
  answer: string;
}

/** A ticket's messages are read up to these: the first ones hold the question, and an article is short. */
const limits = { question: 4_000, answer: 8_000, subject: 200 } as const;

/**
 * The exchange an article is drafted from, or why there is none: the ticket's subject and
 * the customer's messages before the solving reply, and that reply — the last outbound
 * message written by an agent or a person (the satisfaction survey is the desk's own, and
 * automatic replies of customers are no question). Every part is redacted here, before a
 * model or a pull request sees it.
 */
export function solvedExchange(
  ticket: Ticket,
  messages: readonly Message[],
  names: PersonalNames,
): SolvedExchange | { none: string } {
  if (ticket.tier === 'L1') return { none: 'L1 answered it from an article the knowledge base already has' };
  const answerAt = messages.findLastIndex(
    (m) => m.direction === 'outbound' && (m.author.kind === 'agent' || m.author.kind === 'human'),
  );
  const answer = messages[answerAt];
  if (answer === undefined) return { none: 'no agent or person replied to the customer' };
  const asked = messages
    .slice(0, answerAt)
    .filter((m) => m.direction === 'inbound' && !m.autoSubmitted)
    .map((m) => m.body.trim())
    .filter((body) => body !== '');
  if (asked.length === 0) return { none: 'the customer asked nothing before the reply' };
  const redact = (text: string, max: number) => redactPersonalData(text.slice(0, max), names).trim();
  return {
    ticketId: ticket.id,
    tier: ticket.tier,
    topic: ticket.topic,
    subject: redact(ticket.subject, limits.subject),
    question: redact(asked.join('\n\n'), limits.question),
    answer: redact(answer.body, limits.answer),
  };
}
