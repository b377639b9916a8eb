import { isRecipientVerified } from '#domains/support';
import { cachedKillSwitch, findTicket, recordDeskMessage, supportErrors, ticketMessages } from '#domains/support';
import type { DeskContext } from '../desk-settings.ts';
import { healthReportProtocol } from '../../../wowanalytics/src/index.ts';
import type { AgentHealth } from '../specialists/diagnosis.ts';
import { isUnreachable } from '../specialists/unreachable.ts';
import { agentsConcerned } from '../specialists/find-agents.ts';
import { asksForPerson, decideL1, defaultL1Policy, questionOf } from '../tiers/answer-at-l1.ts';
import { askWowSearch } from '../tiers/ask-wowsearch.ts';
import { asksStatus, decideStatusAnswer } from '../tiers/answer-status.ts';
import { composeAnswer } from '../tiers/compose-answer.ts';
import { customerMemoryOf, earlierQuestion, learnFromMessage, rememberAnswer } from '../tiers/customer-memory.ts';
import { readsAsSolved } from '../tiers/reads-as-solved.ts';
import { recordedOnce } from './recorded-once.ts';

export const self = { kind: 'agent', id: 'wowsupport' } as const;

export type AnswerOutcome =
  | { did: 'skipped'; why: string }
  | { did: 'answered'; article: string; confidence: number; composed: boolean }
  | { did: 'solved'; why: string }
  | { did: 'escalated'; tier: 'L2'; reason: string; confidence: number };

/** What L1 will do, decided on a snapshot of the ticket: the message it answers is in it. */
type Plan =
  | { did: 'skipped'; why: string }
  | {
      did: 'answered';
      latestId: string;
      body: string;
      cites: string[];
      article: string;
      confidence: number;
      composed: boolean;
    }
  | { did: 'solved'; latestId: string; why: string }
  | { did: 'escalated'; latestId: string; reason: string; confidence: number };

/**
 * L1 on a customer's message: answer from the knowledge base (or, for a status question,
 * the registry) when confident and the question is one L1 may answer, or hand the ticket
 * to L2 with the reason.
 *
 * The plan is made outside any transaction: a model may take seconds to compose, and
 * WowSearch answers over the bus, which on the embedded store (one connection) would wait
 * for the transaction to end. It is then recorded with `ctx.once` under its own key, and an
 * attempt that finds it recorded (a retry after a later step failed, GitHub's sync say)
 * takes it from there: the model is asked once per event. The plan is written once per
 * event too, and only if the ticket has not moved on meanwhile.
 */
export async function answerTicket(ctx: DeskContext, eventId: string, ticketId: string): Promise<AnswerOutcome> {
  const stop = await cachedKillSwitch(ctx.cache, ctx.store);
  if (stop.on)
    return { did: 'skipped', why: `the kill switch is on (by ${stop.by ?? 'someone'}): nothing answers automatically` };
  const plan = await planOnce(ctx, `${eventId}:l1-plan`, ticketId);
  return ctx.once(eventId, async (tx): Promise<AnswerOutcome> => {
    if (plan.did === 'skipped') return plan;
    const ticket = await findTicket(tx, ticketId);
    const latest = (await ticketMessages(tx, ticketId)).filter((m) => m.direction === 'inbound').at(-1);
    if (ticket?.tier !== 'L1' || latest?.id !== plan.latestId)
      return {
        did: 'skipped',
        why: 'the ticket moved on while L1 was answering; the newer message is answered on its own event',
      };
    if (plan.did === 'answered') {
      await recordDeskMessage(tx, ticketId, {
        direction: 'outbound',
        author: self,
        body: plan.body,
        autoSubmitted: true,
        cites: plan.cites,
        action: 'ask_customer',
      });
      return { did: 'answered', article: plan.article, confidence: plan.confidence, composed: plan.composed };
    }
    if (plan.did === 'solved') {
      await recordDeskMessage(tx, ticketId, {
        direction: 'internal',
        author: self,
        body: `Solved: ${plan.why}.`,
        autoSubmitted: true,
        action: 'solve',
      });
      return { did: 'solved', why: plan.why };
    }
    await recordDeskMessage(tx, ticketId, {
      direction: 'internal',
      author: self,
      body: `L1 did not answer: ${plan.reason}. Routed to L2.`,
      autoSubmitted: true,
      action: 'reply',
      tier: 'L2',
    });
    return { did: 'escalated', tier: 'L2', reason: plan.reason, confidence: plan.confidence };
  });
}

/** L1's plan for an event: the one an earlier attempt recorded, else made now and recorded. */
async function planOnce(ctx: DeskContext, key: string, ticketId: string): Promise<Plan> {
  const recorded = await recordedOnce<Plan>(ctx, key);
  if (recorded !== undefined) return recorded;
  const fresh = await planL1(ctx, ticketId);
  // Two attempts at once (a redelivery while the first still runs) may both plan; the first plan recorded is the one written.
  return ctx.once(key, () => Promise.resolve(fresh));
}

async function planL1(ctx: DeskContext, ticketId: string): Promise<Plan> {
  const db = ctx.store;
  const ticket = await findTicket(db, ticketId);
  if (ticket === undefined) throw supportErrors.createError('WOW_ERR_TICKET_NOT_FOUND', { ticket: ticketId });
  if (ticket.tier !== 'L1') return { did: 'skipped', why: `the ticket is at ${ticket.tier}` };
  const messages = await ticketMessages(db, ticketId);
  const latest = messages.filter((m) => m.direction === 'inbound').at(-1);
  // RFC 3834: an automatic reply (an out-of-office) is never answered automatically.
  if (latest === undefined || latest.autoSubmitted)
    return { did: 'skipped', why: 'no message from a person to answer' };
  const latestId = latest.id;
  // The customer's words are remembered whatever L1 makes of them: their next ticket may need them.
  const memory = customerMemoryOf(ctx);
  if (memory !== undefined) await learnFromMessage(memory, ticketId, questionOf(ticket.subject, latest.body));
  if (messages.some((m) => m.direction === 'outbound' && m.author.id === self.id)) {
    return readsAsSolved(latest.body)
      ? { did: 'solved', latestId, why: "the customer confirmed L1's answer solved it" }
      : {
          did: 'escalated',
          latestId,
          confidence: 0,
          reason: "the customer replied to L1's answer, so it did not solve the problem",
        };
  }
  const question = questionOf(ticket.subject, latest.body);
  if (asksForPerson(question))
    return { did: 'escalated', latestId, confidence: 0, reason: 'the customer asks for a person' };
  // "Is <agent> working?" is answered from the registry, not from an article; other
  // questions never read it.
  const named = asksStatus.test(question) ? agentsConcerned(question, await ctx.agents(db), []) : [];
  const status = named.length === 0 ? undefined : decideStatusAnswer(named, await askHealth(ctx, named));
  if (status?.answer === true)
    return {
      did: 'answered',
      latestId,
      body: status.reply,
      cites: [],
      article: 'registry',
      confidence: 1,
      composed: false,
    };
  if (status?.answer === false) return { did: 'escalated', latestId, confidence: 1, reason: status.reason };
  const policy = { ...defaultL1Policy, threshold: ctx.settings.support.l1Threshold };
  let hits = await askWowSearch(ctx, question);
  let decision = decideL1(hits, policy);
  // "It happened again": what the customer's earlier ticket asked, which L1 answered, says
  // what this one is about when its own words do not.
  const earlier = decision.answer || memory === undefined ? undefined : await earlierQuestion(memory, question);
  if (earlier !== undefined) {
    const again = await askWowSearch(ctx, earlier.question);
    const decided = decideL1(again, policy);
    if (decided.answer) {
      hits = again;
      decision = {
        ...decided,
        reply: `This looks like what you asked on your earlier ticket, which this article answered.\n\n${decided.reply}`,
      };
    }
  }
  if (!decision.answer) return { did: 'escalated', latestId, confidence: decision.confidence, reason: decision.reason };
  // The model sees the articles the rules would answer from: those of allowed intents above the threshold.
  // An address nobody has verified (a web form's) gets the article's own words only: a
  // model's reply, however grounded in the articles' words, can be turned by the stranger
  // who typed the question into a lie told to someone else as the desk.
  const grounds = hits.filter((h) => policy.intents.includes(h.intent) && h.coverage >= policy.threshold);
  const asked = earlier === undefined ? question : `${earlier.question}\n${question}`;
  const reply = (await isRecipientVerified(db, ticketId))
    ? await composeAnswer(ctx.llm, asked, grounds, decision.reply, ctx.log)
    : { body: decision.reply, composed: false };
  const cites = reply.composed
    ? grounds.filter((h) => reply.body.includes(`(kb:${h.slug})`)).map((h) => h.slug)
    : [decision.article.slug];
  if (memory !== undefined)
    await rememberAnswer(memory, {
      ticketId,
      article: decision.article.slug,
      question: earlier?.question ?? question,
      body: reply.body,
    });
  return {
    did: 'answered',
    latestId,
    body: reply.body,
    cites,
    article: decision.article.slug,
    confidence: decision.confidence,
    composed: reply.composed,
  };
}

/**
 * How the agents a status question names are doing, as WowAnalytics reports them
 * (analytics.health.report, asked outside any transaction); undefined when it cannot
 * answer now, and L1 then leaves the question to a person rather than guess.
 */
async function askHealth(ctx: DeskContext, named: readonly { id: string }[]): Promise<AgentHealth[] | undefined> {
  try {
    return (await ctx.request(healthReportProtocol, { agents: named.slice(0, 50).map((a) => a.id) })).agents;
  } catch (err) {
    if (!isUnreachable(err)) throw err;
    ctx.log.warn({ err }, 'WowAnalytics did not answer a status question; L1 leaves it to a person');
    return undefined;
  }
}
