import type { SolvedExchange } from './solved-exchange.ts';

/** An article's words before it becomes a file: what it is called, what it answers and how. */
export interface ArticleDraft {
  title: string;
  question: string;
  answer: string;
}

/** Bounds on a drafted article: a title is a line, and an article answers one question briefly. */
export const draftLimits = { title: 120, question: 600, answer: 2_000, questionSentences: 3, answerSentences: 10 };

// What carries no content: greetings, thanks and sign-offs, on either side of the exchange.
const pleasantries = [
  'hi|hello|hey|dear|good (?:morning|afternoon|evening)',
  'thanks?|thank you|many thanks|cheers|regards|best|kind regards|best regards|sorry|apologies',
  'hope (?:this|that) helps|let (?:us|me) know|feel free|have a (?:good|great|nice)',
];
const pleasantry = new RegExp(`^(?:${pleasantries.join('|')})\\b`, 'i');
const asks = /\?$|^(?:how|why|what|when|where|which|who|can|could|is|are|do|does|did|should|would|will|may)\b/i;

/** Sentences in order: split after . ! ? and at line breaks; list items and code lines stay whole. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/\n+|(?<=[.!?])\s+(?=[A-Z0-9"'([])/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s !== '');
}

const words = (s: string) => s.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
/** A sentence worth keeping: a few words, not a greeting or a sign-off, not a bare placeholder. */
const substantial = (s: string) => words(s) >= 3 && !pleasantry.test(s) && !/^\[[a-z]+\][,.!]?$/.test(s);

/** The first sentences, in order, that fit within `max` characters. */
function take(sentences: readonly string[], count: number, max: number): string {
  const kept: string[] = [];
  let length = 0;
  for (const s of sentences) {
    if (kept.length === count || length + s.length + 1 > max) break;
    kept.push(s);
    length += s.length + 1;
  }
  return kept.join(' ');
}

/**
 * The article an exchange makes without a model, picking sentences deterministically: the
 * title is the ticket's subject; the question, the customer's sentences that ask (the
 * first ones, or the first substantial ones when none reads as a question); the answer, the
 * reply's substantial sentences in order (greetings, thanks and sign-offs left out). The
 * same exchange always gives the same article.
 */
export function extractDraft(exchange: SolvedExchange): ArticleDraft {
  const asked = sentencesOf(exchange.question).filter(substantial);
  const questions = asked.filter((s) => asks.test(s));
  const question = take(questions.length > 0 ? questions : asked, draftLimits.questionSentences, draftLimits.question);
  const answer = sentencesOf(exchange.answer).filter(substantial);
  const title = exchange.subject.replace(/\s+/g, ' ').trim().slice(0, draftLimits.title);
  return {
    title: title === '' ? question.slice(0, draftLimits.title) : title,
    question: question === '' ? title : question,
    answer:
      answer.length === 0
        ? exchange.answer.slice(0, draftLimits.answer)
        : take(answer, draftLimits.answerSentences, draftLimits.answer),
  };
}
