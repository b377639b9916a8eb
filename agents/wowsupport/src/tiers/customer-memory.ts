import type { MemoryScope } from '#platform';
import type { DeskContext } from '../desk-settings.ts';

/**
 * What the desk remembers of a customer across tickets (ctx.memory, WowMemory's): the
 * conversation, the plan they said they are on, and what L1 answered them, so that their
 * next ticket starts from what the last one learned. Only a known customer's ticket names
 * its customer (the intake sets the envelope's `customer`); anyone else's is answered on
 * its own words, as before.
 */
export function customerMemoryOf(ctx: DeskContext): MemoryScope | undefined {
  return ctx.memory?.customer === undefined ? undefined : ctx.memory.forCustomer();
}

// "We are on the Pro plan", "our Enterprise plan": the plans customers name by their own words.
const planPattern = /\b(free|starter|basic|pro|team|business|enterprise)\s+(plan|tier|subscription)\b/i;

// "It happened again", "same problem as last time": a question that points at an earlier one.
const refersBack =
  /\b(again|same (problem|issue|error|thing|question)|last time|as before|like before|previous ticket|earlier ticket)\b/i;

/** The L1 answer kept per customer: the question it answered and the article that did. */
interface LastAnswer {
  ticketId: string;
  article: string;
  question: string;
}

/** A customer's message: kept in the conversation, and the plan it names remembered. */
export async function learnFromMessage(memory: MemoryScope, ticketId: string, question: string): Promise<void> {
  await memory.append({ role: 'customer', text: question });
  const plan = planPattern.exec(question)?.[1];
  if (plan !== undefined)
    await memory.remember('support.plan', {
      plan: plan.charAt(0).toUpperCase() + plan.slice(1).toLowerCase(),
      ticketId,
    });
}

/** L1's answer: kept in the conversation, and as the customer's last answer and the articles they were given. */
export async function rememberAnswer(
  memory: MemoryScope,
  answer: { ticketId: string; article: string; question: string; body: string },
): Promise<void> {
  await memory.append({ role: 'agent', text: answer.body });
  const last: LastAnswer = { ticketId: answer.ticketId, article: answer.article, question: answer.question };
  await memory.remember('support.last_answer', last);
  await memory.remember(`support.answered.${answer.article}`, { ticketId: answer.ticketId });
}

/**
 * The question the customer's earlier ticket asked, when this one points back at it ("it
 * happened again") and L1 answered that one: searched for in place of words that say
 * nothing of the problem.
 */
export async function earlierQuestion(memory: MemoryScope, question: string): Promise<LastAnswer | undefined> {
  if (!refersBack.test(question)) return undefined;
  const last = (await memory.fact('support.last_answer'))?.value as Partial<LastAnswer> | undefined;
  if (typeof last?.question !== 'string' || typeof last.article !== 'string' || typeof last.ticketId !== 'string')
    return undefined;
  return { ticketId: last.ticketId, article: last.article, question: last.question };
}

/** What L2's note tells the person or specialist taking the ticket of the customer: the plan, earlier answers, recent words. */
export async function memoryFindings(memory: MemoryScope): Promise<string[]> {
  const facts = await memory.facts({ limit: 50 });
  const plan = facts.find((f) => f.key === 'support.plan')?.value as { plan?: unknown } | undefined;
  const answered = facts
    .filter((f) => f.key.startsWith('support.answered.'))
    .map((f) => `kb:${f.key.slice('support.answered.'.length)}`);
  const solved = facts.filter((f) => f.key.startsWith('support.solved.')).length;
  return [
    ...(typeof plan?.plan === 'string' ? [`Remembered of this customer: on the ${plan.plan} plan.`] : []),
    ...(answered.length === 0 ? [] : [`Earlier L1 answers to this customer: ${answered.slice(0, 5).join(', ')}.`]),
    ...(solved === 0 ? [] : [`Tickets of this customer solved before: ${solved}.`]),
  ];
}
