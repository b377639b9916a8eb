import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { isWowError, type Store } from '#platform';
import { ticketStatuses, transition } from '../src/desk/ticket-status.ts';
import {
  findTicket,
  openTicket,
  receiveCustomerMessage,
  recordDeskMessage,
  setTicketRouting,
} from '../src/desk/tickets.ts';
import { tierFigures } from '../src/desk/desk-figures.ts';

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

  it('figures support by tier: the share of tickets reaching a tier solved there, and the median first response', async () => {
    // Tickets are stamped with the database's clock; their SLA clocks with the times given.
    const now = async () => {
      const [row] = (await store.query<{ now: Date }>('select now()')).rows;
      if (row === undefined) throw new Error('the database gave no time');
      return row.now;
    };
    const since = await now();
    const at = (minutes: number) => new Date(since.getTime() + minutes * 60_000);
    const desk = { direction: 'outbound', author: { kind: 'agent', id: 'wowsupport' }, autoSubmitted: false } as const;
    // Four tickets: two solved at L1 (answered after 1 and 3 minutes), one solved at L2, one still open at L3.
    const ticketAt = async (opened: number, answered: number | undefined, tier: 'L1' | 'L2' | 'L3', solve: boolean) =>
      store.transaction(async (tx) => {
        const t = await openTicket(tx, { subject: 'Q', body: 'Why?', channel: 'api', requester: {}, at: at(opened) });
        if (tier !== 'L1') await setTicketRouting(tx, t.id, { tier });
        if (answered !== undefined)
          await recordDeskMessage(tx, t.id, {
            ...desk,
            body: 'Because.',
            at: at(answered),
            ...(solve ? { action: 'solve' } : {}),
          });
      });
    await ticketAt(0, 1, 'L1', true);
    await ticketAt(10, 13, 'L1', true);
    await ticketAt(20, 30, 'L2', true);
    await ticketAt(30, undefined, 'L3', false);
    const figures = await tierFigures(store, since);
    expect(
      figures.map(({ tier, reached, solvedHere, solvedShare }) => ({ tier, reached, solvedHere, solvedShare })),
    ).toEqual([
      { tier: 'L1', reached: 4, solvedHere: 2, solvedShare: 0.5 },
      { tier: 'L2', reached: 2, solvedHere: 1, solvedShare: 0.5 },
      { tier: 'L3', reached: 1, solvedHere: 0, solvedShare: 0 },
    ]);
    expect(figures.map((f) => f.medianResponseMinutes)).toEqual([2, 10, null]);
    expect(figures.map((f) => f.target.solvedShare)).toEqual([0.9, 0.8, 1]);
    // Tickets opened before the moment asked about are not counted.
    expect((await tierFigures(store, await now())).map((f) => [f.reached, f.solvedShare])).toEqual([
      [0, null],
      [0, null],
      [0, null],
    ]);
  });
});
