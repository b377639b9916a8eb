import type { AgentContext } from '#platform';
import { deliverOutbound, type CustomerChannels, type DeliveryOutcome } from '../delivery/deliver-outbound.ts';
import { killSwitch } from '#domains/support';
import { checkBreaker } from '../sync/trip-breaker.ts';

/**
 * An answer for the customer (support.message.outbound): sent by the ticket's channel
 * unless the kill switch is on or the ticket's breaker has tripped, in which case it is
 * held, undelivered, with the reason.
 */
export async function deliverAnswer(
  ctx: AgentContext,
  channels: CustomerChannels,
  ticketId: string,
  messageId: string,
): Promise<DeliveryOutcome | { did: 'stopped'; why: string; tripped?: boolean }> {
  const stop = await killSwitch(ctx.store);
  if (stop.on) return { did: 'stopped', why: `the kill switch is on (by ${stop.by ?? 'someone'})` };
  const breaker = await checkBreaker(ctx.store, ticketId);
  if (breaker.paused) {
    if (breaker.tripped)
      ctx.log.warn(
        { ticketId, reason: breaker.reason },
        "a ticket's circuit breaker tripped: its sync is paused until /resume",
      );
    return { did: 'stopped', why: `the ticket's sync is paused: ${breaker.reason}`, tripped: breaker.tripped };
  }
  return deliverOutbound(ctx.store, channels, messageId);
}
