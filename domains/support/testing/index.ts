// Helpers for tests of the support domain and of the agents that work on tickets, imported
// as '#domains/support/testing' (never by the product: nothing here is for a running desk).
import type { CloudEvent, PgQueryable, Store } from '#platform';
import { slaClocks, type SlaClock, type SlaClockKind } from '../src/desk/sla.ts';
import { openTicket, type Priority } from '../src/desk/tickets.ts';

/** A ticket opened by API at `at`: its SLA clocks start then. */
export async function openTicketAt(store: Store, at: Date, priority: Priority = 'normal') {
  return store.transaction((tx) =>
    openTicket(tx, {
      subject: 'Webhooks stopped arriving',
      body: 'Since this morning no webhook reaches us.',
      channel: 'api',
      priority,
      requester: { email: 'ada@example.com' },
      at,
    }),
  );
}

/** The ticket's latest clock of `kind`. */
export async function latestClock(db: PgQueryable, ticketId: string, kind: SlaClockKind): Promise<SlaClock> {
  const clocks = (await slaClocks(db, ticketId)).filter((c) => c.kind === kind);
  const found = clocks.at(-1);
  if (found === undefined) throw new Error(`ticket ${ticketId} has no ${kind} clock`);
  return found;
}

/** The events of `type` about the ticket waiting in the outbox for the relay. */
export async function outboxed(db: PgQueryable, type: string, ticketId: string): Promise<CloudEvent[]> {
  const { rows } = await db.query<{ event: CloudEvent }>(
    "select event from outbox where event->>'type' = $1 and event->>'subject' = $2 order by id",
    [type, ticketId],
  );
  return rows.map((r) => r.event);
}
