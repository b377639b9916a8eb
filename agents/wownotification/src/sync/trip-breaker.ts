import type { Store } from '#platform';
import { recordDeskMessage } from '#domains/support';
import { pauseTicketSync, recentCrossings, ticketPause } from './sync-store.ts';

/** More messages than this crossing in the window is two machines answering each other. */
export const breakerLimit = { messages: 12, windowMs: 10 * 60_000 };

/**
 * The per-ticket circuit breaker, checked before anything leaves a ticket. When it trips,
 * a note saying why is written first (so the issue shows it), then the ticket is paused:
 * nothing more goes to the customer or to GitHub until an approver comments `/resume`.
 */
export async function checkBreaker(
  store: Store,
  ticketId: string,
): Promise<{ paused: false } | { paused: true; tripped: boolean; reason: string }> {
  const paused = await ticketPause(store, ticketId);
  if (paused !== null) return { paused: true, tripped: false, reason: paused.reason };
  const crossed = await recentCrossings(store, ticketId, breakerLimit.windowMs);
  if (crossed <= breakerLimit.messages) return { paused: false };
  const reason = `${crossed} messages crossed in ${breakerLimit.windowMs / 60_000} minutes, more than people write; this looks like a loop between machines`;
  const tripped = await store.transaction(async (tx) => {
    if ((await ticketPause(tx, ticketId, { lock: true })) !== null) return false;
    await recordDeskMessage(tx, ticketId, {
      direction: 'internal',
      author: { kind: 'system', id: 'wow-desk' },
      body: `Sync paused: ${reason}. Nothing is sent to the customer or posted here until an approver comments \`/resume\`.`,
      autoSubmitted: true,
    });
    return pauseTicketSync(tx, ticketId, reason);
  });
  return { paused: true, tripped, reason };
}
