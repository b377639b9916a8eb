import type { ArticleHit } from './ask-wowsearch.ts';

export interface L1Policy {
  /** The share of the question an article must cover before L1 answers alone. */
  threshold: number;
  /** Intents L1 may answer alone; anything else goes to a specialist. */
  intents: readonly string[];
}

export const defaultL1Policy: L1Policy = {
  threshold: 0.6,
  intents: ['how-to', 'account', 'billing-question', 'agent-status'],
};

export type L1Decision =
  | { answer: true; article: ArticleHit; confidence: number; reply: string }
  | { answer: false; confidence: number; reason: string };

/**
 * Whether L1 answers on its own, from the knowledge base's best hits, and with what. It
 * answers only from an allow-listed intent and above the threshold, cites its article,
 * and asks whether that solved it (the customer's reply reopens the ticket for L2).
 */
export function decideL1(hits: readonly ArticleHit[], policy: L1Policy = defaultL1Policy): L1Decision {
  const top = hits[0];
  if (top === undefined)
    return { answer: false, confidence: 0, reason: 'no knowledge-base article matches the question' };
  const confidence = top.coverage;
  const percent = (n: number) => `${Math.round(n * 100)}%`;
  if (!policy.intents.includes(top.intent))
    return {
      answer: false,
      confidence,
      reason: `the best article, "${top.title}" (kb:${top.slug}), is about ${top.intent}, which L1 does not answer alone`,
    };
  if (confidence < policy.threshold)
    return {
      answer: false,
      confidence,
      reason: `the best article, "${top.title}" (kb:${top.slug}), covers ${percent(confidence)} of the question; L1 answers alone from ${percent(policy.threshold)}`,
    };
  const reply = `${top.excerpt.trim()}\n\nFrom "${top.title}" (kb:${top.slug}).\n\nDid this answer your question? If not, reply to this message and a specialist will take over.`;
  return { answer: true, article: top, confidence, reply };
}

/** How much of a customer's text L1 reads: a question is asked in its first lines, and search and a model's prompt stay small. */
export const questionMaxLength = 2_000;

/** What L1 searches the knowledge base for (and a model reads): the subject and the start of the message. */
export function questionOf(subject: string, body: string): string {
  return `${subject}\n${body}`.slice(0, questionMaxLength);
}

// "Let me talk to a person": never kept at L1, however well an article matches.
const wantsPerson =
  /\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:a\s+|an\s+|some\s*one\s*|your\s+)?(?:human|person|someone|engineer|representative|specialist)\b|\b(?:real|actual)\s+(?:human|person)\b|\bhuman\s+(?:please|support|help)\b/i;

/** Whether the customer asks for a person instead of an automatic answer. */
export function asksForPerson(text: string): boolean {
  return wantsPerson.test(text);
}
