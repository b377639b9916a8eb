import type { HandlerContext } from '#platform';
import type { SupportTicketSolvedData } from './domain-events.ts';
import type { MemorySettings } from './memory-settings.ts';

/**
 * A solved ticket's outcome, kept in its customer's memory (key `support.solved.<ticket>`),
 * so that whichever agent serves the customer next knows what was solved and how. An event
 * naming no customer (a ticket from someone not known as one) leaves nothing to remember.
 */
export async function rememberSolvedTicket(
  ctx: HandlerContext<MemorySettings, undefined>,
  solved: SupportTicketSolvedData,
): Promise<{ did: 'remembered' | 'skipped'; why?: string }> {
  const { memory } = ctx;
  if (memory === undefined) return { did: 'skipped', why: 'this host runs without memory' };
  if (memory.customer === undefined) return { did: 'skipped', why: 'the ticket is no known customer’s' };
  await memory
    .forCustomer()
    .remember(`support.solved.${solved.ticketId}`, { ticketId: solved.ticketId, why: solved.why.slice(0, 2_000) });
  return { did: 'remembered' };
}
