import { createError, listAgents, type AgentContext } from '../../../runtime/src/index.ts';
import { searchArticles } from '../desk/knowledge-base.ts';
import { findTicket, recordDeskMessage, ticketMessages } from '../desk/tickets.ts';
import { killSwitch } from '../sync/sync-store.ts';
import { openIncidents } from '../incidents/incident-store.ts';
import { agentsConcerned } from '../specialists/find-agents.ts';
import { decideL1, defaultL1Policy } from '../tiers/answer-at-l1.ts';
import { decideStatusAnswer } from '../tiers/answer-status.ts';

export const self = { kind: 'agent', id: 'wowsupport' } as const;

export type AnswerOutcome =
  | { did: 'skipped'; why: string }
  | { did: 'answered'; article: string; confidence: number }
  | { did: 'escalated'; tier: 'L2'; reason: string; confidence: number };

/**
 * L1 on a customer's message: answer from the knowledge base when confident and the
 * question is one L1 may answer, or hand the ticket to L2 with the reason. Once per
 * event: the reply and the ticket's new state commit together.
 */
export async function answerTicket(ctx: AgentContext, eventId: string, ticketId: string): Promise<AnswerOutcome> {
  const stop = await killSwitch(ctx.store);
  if (stop.on) return { did: 'skipped', why: `the kill switch is on (by ${stop.by ?? 'someone'}): nothing answers automatically` };
  return ctx.once(eventId, async (tx): Promise<AnswerOutcome> => {
    const ticket = await findTicket(tx, ticketId);
    if (ticket === undefined) throw createError('WOW_ERR_TICKET_NOT_FOUND', [ticketId]);
    if (ticket.tier !== 'L1') return { did: 'skipped', why: `the ticket is at ${ticket.tier}` };
    const messages = await ticketMessages(tx, ticketId);
    const latest = messages.filter((m) => m.direction === 'inbound').at(-1);
    // RFC 3834: an automatic reply (an out-of-office) is never answered automatically.
    if (latest === undefined || latest.autoSubmitted) return { did: 'skipped', why: 'no message from a person to answer' };
    const answeredBefore = messages.some((m) => m.direction === 'outbound' && m.author.id === self.id);
    // "Is <agent> working?" is answered from the registry, not from an article.
    const text = `${ticket.subject}\n${latest.body}`;
    const status = answeredBefore ? undefined : decideStatusAnswer(text, agentsConcerned(text, await listAgents(tx, { heartbeatTimeoutMs: ctx.config.agents.heartbeatTimeoutMs }), []), await openIncidents(tx));
    if (status?.answer === true) {
      await recordDeskMessage(tx, ticketId, { direction: 'outbound', author: self, body: status.reply, autoSubmitted: true, action: 'ask_customer' });
      return { did: 'answered', article: 'registry', confidence: 1 };
    }
    if (status?.answer === false) {
      await recordDeskMessage(tx, ticketId, { direction: 'internal', author: self, body: `L1 did not answer: ${status.reason}. Routed to L2.`, autoSubmitted: true, action: 'reply', tier: 'L2' });
      return { did: 'escalated', tier: 'L2', reason: status.reason, confidence: 1 };
    }
    const decision = answeredBefore
      ? { answer: false as const, confidence: 0, reason: 'the customer replied to L1\'s answer, so it did not solve the problem' }
      : decideL1(await searchArticles(tx, text), { ...defaultL1Policy, threshold: ctx.config.support.l1Threshold });
    if (decision.answer) {
      await recordDeskMessage(tx, ticketId, { direction: 'outbound', author: self, body: decision.reply, autoSubmitted: true, cites: [decision.article.slug], action: 'ask_customer' });
      return { did: 'answered', article: decision.article.slug, confidence: decision.confidence };
    }
    await recordDeskMessage(tx, ticketId, { direction: 'internal', author: self, body: `L1 did not answer: ${decision.reason}. Routed to L2.`, autoSubmitted: true, action: 'reply', tier: 'L2' });
    return { did: 'escalated', tier: 'L2', reason: decision.reason, confidence: decision.confidence };
  });
}
