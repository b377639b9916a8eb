// WowSupport: runs the support desk's tiers on customer tickets. This is L1: answer from
// the knowledge base when it is confident and the question is one L1 may answer, or hand
// the ticket to L2 with the reason.
import { z } from 'zod';
import { createError, defineAgent } from '../../runtime/src/index.ts';
import { searchArticles } from './desk/knowledge-base.ts';
import { findTicket, recordDeskMessage, ticketMessages } from './desk/tickets.ts';
import { decideL1 } from './tiers/answer-at-l1.ts';

const ticketEvent = z.object({ ticketId: z.uuid() });
const self = { kind: 'agent', id: 'wowsupport' } as const;

export default defineAgent({
  input: { 'support.ticket.opened': ticketEvent, 'support.message.received': ticketEvent },
  async handle(ctx, event) {
    const { ticketId } = ticketEvent.parse(event.data);
    // Once per event: the reply and the ticket's new state commit together.
    const outcome = await ctx.once(event.id, async (tx) => {
      const ticket = await findTicket(tx, ticketId);
      if (ticket === undefined) throw createError('WOW_ERR_TICKET_NOT_FOUND', [ticketId]);
      if (ticket.tier !== 'L1') return { did: 'skipped' as const, why: `the ticket is at ${ticket.tier}` };
      const messages = await ticketMessages(tx, ticketId);
      const latest = messages.filter((m) => m.direction === 'inbound').at(-1);
      // RFC 3834: an automatic reply (an out-of-office) is never answered automatically.
      if (latest === undefined || latest.autoSubmitted) return { did: 'skipped' as const, why: 'no message from a person to answer' };
      const answeredBefore = messages.some((m) => m.direction === 'outbound' && m.author.id === self.id);
      const decision = answeredBefore
        ? { answer: false as const, confidence: 0, reason: 'the customer replied to L1\'s answer, so it did not solve the problem' }
        : decideL1(await searchArticles(tx, `${ticket.subject}\n${latest.body}`));
      if (decision.answer) {
        await recordDeskMessage(tx, ticketId, { direction: 'outbound', author: self, body: decision.reply, autoSubmitted: true, cites: [decision.article.slug], action: 'ask_customer' });
        return { did: 'answered' as const, article: decision.article.slug, confidence: decision.confidence };
      }
      await recordDeskMessage(tx, ticketId, { direction: 'internal', author: self, body: `L1 did not answer: ${decision.reason}. Routed to L2.`, autoSubmitted: true, action: 'reply', tier: 'L2' });
      return { did: 'escalated' as const, tier: 'L2', reason: decision.reason, confidence: decision.confidence };
    });
    if (outcome.did === 'answered') await ctx.emit({ type: 'support.ticket.answered', subject: ticketId, data: { ticketId, article: outcome.article, confidence: outcome.confidence } });
    if (outcome.did === 'escalated') await ctx.emit({ type: 'support.ticket.escalated', subject: ticketId, data: { ticketId, tier: outcome.tier, reason: outcome.reason } });
    return outcome;
  },
});
