import { cachedKillSwitch } from '#domains/support';
import { deliverOutbound, type DeliveryOutcome } from '../delivery/deliver-outbound.ts';
import type { NotificationContext } from '../notification-settings.ts';
import { checkBreaker } from '../sync/trip-breaker.ts';
import type { SyncOutcome } from '../sync/sync-ticket.ts';
import { syncWithGitHub } from './sync-with-github.ts';

type Stopped = { did: 'stopped'; why: string; tripped?: boolean };

/**
 * An answer for the customer (support.message.outbound): sent by the ticket's channel
 * unless the kill switch is on or the ticket's breaker has tripped, in which case it is
 * held, undelivered, with the reason. The issue follows either way.
 */
export async function deliverAnswer(
  ctx: NotificationContext,
  { ticketId, messageId }: { ticketId: string; messageId: string },
): Promise<{ delivery: DeliveryOutcome | Stopped; sync: SyncOutcome }> {
  const delivery = await sendUnlessStopped(ctx, ticketId, messageId);
  if (delivery.did === 'delivered')
    await ctx.emit({
      type: 'support.message.delivered',
      subject: ticketId,
      data: { ticketId, messageId, channel: delivery.channel },
    });
  if (delivery.did === 'stopped' && delivery.tripped === true)
    await ctx.emit({ type: 'support.sync.paused', subject: ticketId, data: { ticketId, reason: delivery.why } });
  return { delivery, sync: await syncWithGitHub(ctx, ticketId) };
}

async function sendUnlessStopped(
  ctx: NotificationContext,
  ticketId: string,
  messageId: string,
): Promise<DeliveryOutcome | Stopped> {
  const stop = await cachedKillSwitch(ctx.cache, ctx.store);
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
  return deliverOutbound(ctx.store, ctx.state.channels, messageId);
}
