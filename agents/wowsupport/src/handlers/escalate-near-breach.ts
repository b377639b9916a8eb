import { findTicket, recordDeskMessage, supportErrors, type SlaAlert } from '#domains/support';
import type { DeskContext } from '../desk-settings.ts';
import { self } from './answer-ticket.ts';

export type NearBreachOutcome = { did: 'skipped'; why: string } | { did: 'escalated'; tier: 'L2'; reason: string };

const clockNames = {
  first_response: 'first response',
  next_response: 'next response',
  resolution: 'resolution',
} as const;

/**
 * A ticket whose clock is about to breach while L1 still holds it goes to L2, with the
 * reason as an internal note: L1 had its chance, and a specialist has the rest of the
 * target. Once per event; a ticket already past L1, solved or closed stays as it is.
 */
export async function escalateNearBreach(
  ctx: DeskContext,
  eventId: string,
  alert: SlaAlert,
): Promise<NearBreachOutcome> {
  return ctx.once(eventId, async (tx): Promise<NearBreachOutcome> => {
    const ticket = await findTicket(tx, alert.ticketId);
    if (ticket === undefined) throw supportErrors.createError('WOW_ERR_TICKET_NOT_FOUND', { ticket: alert.ticketId });
    if (ticket.tier !== 'L1') return { did: 'skipped', why: `the ticket is at ${ticket.tier} already` };
    if (ticket.status === 'solved' || ticket.status === 'closed')
      return { did: 'skipped', why: `the ticket is ${ticket.status}` };
    const reason = `the ${clockNames[alert.clock]} target (${alert.targetMinutes} minutes at ${alert.priority} priority) is due at ${alert.dueAt} and is close to breach at L1`;
    await recordDeskMessage(tx, ticket.id, {
      direction: 'internal',
      author: self,
      body: `SLA: ${reason}. Escalated from L1 to L2.`,
      autoSubmitted: true,
      tier: 'L2',
    });
    return { did: 'escalated', tier: 'L2', reason };
  });
}
