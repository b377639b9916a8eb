import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { isWowError, type Store } from '#platform';
import { ticketStatuses, transition } from '../src/desk/ticket-status.ts';
import { findTicket, openTicket, receiveCustomerMessage, recordDeskMessage } from '../src/desk/tickets.ts';

describe('the ticket status machine', () => {
  it('follows the lifecycle, and a customer reply reopens a solved ticket', () => {
    expect(transition('new', 'reply')).toEqual({ ok: true, status: 'open' });
    expect(transition('open', 'ask_customer')).toEqual({ ok: true, status: 'pending_customer' });
    expect(transition('pending_customer', 'customer_reply')).toEqual({ ok: true, status: 'open' });
    expect(transition('open', 'hold')).toEqual({ ok: true, status: 'on_hold' });
    expect(transition('on_hold', 'release')).toEqual({ ok: true, status: 'open' });
    expect(transition('open', 'solve')).toEqual({ ok: true, status: 'solved' });
    expect(transition('solved', 'customer_reply')).toEqual({ ok: true, status: 'open' });
    expect(transition('solved', 'close')).toEqual({ ok: true, status: 'closed' });
  });

  it('refuses what a status does not allow, saying what it does allow; a closed ticket takes follow-ups', () => {
    expect(transition('open', 'close')).toEqual({
      ok: false,
      followUp: false,
      reason: 'a ticket that is open cannot close; it can reply, ask customer, customer reply, hold, solve',
    });
    expect(transition('closed', 'customer_reply')).toMatchObject({ ok: false, followUp: true });
    // A customer can always write: every status but closed takes the message on the ticket.
    for (const status of ticketStatuses.filter((s) => s !== 'closed'))
      expect(transition(status, 'customer_reply').ok).toBe(true);
  });
});

const backends = storeBackends('desk');

describe.each(backends)('tickets on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await backend.open());
  });
  afterAll(async () => {
    await close();
  });

  it("keeps a ticket's lifecycle: a reply to a solved ticket reopens it, one to a closed ticket opens a linked follow-up", async () => {
    const ticket = await store.transaction((tx) =>
      openTicket(tx, { subject: 'Help', body: 'It broke.', channel: 'api', requester: { email: 'ada@example.com' } }),
    );
    expect(ticket).toMatchObject({ status: 'new', tier: 'L1', priority: 'normal' });
    const desk = {
      direction: 'outbound',
      author: { kind: 'human', id: 'octocat' },
      body: 'Fixed.',
      autoSubmitted: false,
    } as const;
    await store.transaction((tx) => recordDeskMessage(tx, ticket.id, { ...desk, action: 'solve' }));
    expect(
      (
        await store.transaction((tx) =>
          receiveCustomerMessage(tx, ticket.id, { body: 'Still broken.', channel: 'api' }),
        )
      ).ticket.status,
    ).toBe('open');
    await store.transaction((tx) => recordDeskMessage(tx, ticket.id, { ...desk, action: 'solve' }));
    await store.transaction((tx) => recordDeskMessage(tx, ticket.id, { ...desk, action: 'close' }));
    const { ticket: follow, followUp } = await store.transaction((tx) =>
      receiveCustomerMessage(tx, ticket.id, { body: 'Broken again.', channel: 'api' }),
    );
    expect(followUp).toBe(true);
    expect(follow).toMatchObject({ subject: 'Re: Help', status: 'new', followsTicketId: ticket.id });
    expect(await findTicket(store, ticket.id)).toMatchObject({ status: 'closed' });
    const err: unknown = await store
      .transaction((tx) => recordDeskMessage(tx, follow.id, { ...desk, action: 'close' }))
      .catch((e: unknown) => e);
    expect(isWowError(err, 'WOW_ERR_TICKET_STATE')).toBe(true);
    const events = (
      await store.query<{ type: string }>(`select event->>'type' as type from outbox order by id`)
    ).rows.map((r) => r.type);
    // Each answer to the customer goes out as support.message.outbound for its channel, and
    // so does the rating survey after each solve.
    expect(events).toEqual([
      'support.ticket.opened',
      'support.message.outbound',
      'support.message.outbound',
      'support.message.received',
      'support.message.outbound',
      'support.message.outbound',
      'support.message.outbound',
      'support.ticket.opened',
    ]);
  });
});
