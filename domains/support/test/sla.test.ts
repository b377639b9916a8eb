import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { isWowError, type Store } from '#platform';
import { csatAuthor, rateTicket, readRating, ticketCsat } from '../src/desk/csat.ts';
import { slaClocks, sweepSla, type SlaAlert } from '../src/desk/sla.ts';
import {
  findTicket,
  receiveCustomerMessage,
  recordDeskMessage,
  setTicketRouting,
  ticketMessages,
} from '../src/desk/tickets.ts';
import { latestClock, openTicketAt, outboxed } from '#domains/support/testing';

// Every time is passed in: each test starts its tickets at its own instant, years apart,
// so the sweeps of one test find nothing of another's that is not long settled.
const minutes = (m: number) => m * 60_000;
const after = (t0: Date, m: number) => new Date(t0.getTime() + minutes(m));
const desk = { author: { kind: 'human', id: 'grace' }, autoSubmitted: false } as const;

const backends = storeBackends('sla');

async function refusal(work: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await work;
  } catch (err) {
    if (isWowError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe.each(backends)('SLA clocks and CSAT on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await backend.open());
  });
  afterAll(async () => {
    await close();
  });

  it("starts the first-response and resolution clocks from the targets of the ticket's priority", async () => {
    const t0 = new Date('2030-01-01T09:00:00Z');
    const ticket = await openTicketAt(store, t0, 'high');
    const clocks = await slaClocks(store, ticket.id);
    expect(clocks.map((c) => [c.kind, c.targetMinutes, c.startedAt, c.dueAt])).toEqual([
      ['first_response', 240, t0.toISOString(), after(t0, 240).toISOString()],
      ['resolution', 1440, t0.toISOString(), after(t0, 1440).toISOString()],
    ]);
    // A new priority re-targets the clocks still running, from when they started.
    await store.transaction((tx) => setTicketRouting(tx, ticket.id, { priority: 'urgent' }));
    expect((await latestClock(store, ticket.id, 'first_response')).dueAt).toBe(after(t0, 60).toISOString());
  });

  it('meets the first response with the first public answer (not a note or a draft), and each next response with the answer after the customer writes', async () => {
    const t0 = new Date('2031-01-01T09:00:00Z');
    const ticket = await openTicketAt(store, t0, 'high');
    await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        ...desk,
        direction: 'internal',
        body: 'Looking at the webhook logs.',
        at: after(t0, 5),
      }),
    );
    await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, { ...desk, direction: 'draft', body: 'We found the cause.', at: after(t0, 10) }),
    );
    expect((await latestClock(store, ticket.id, 'first_response')).metAt).toBeNull();
    await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        ...desk,
        direction: 'outbound',
        body: 'We are on it.',
        action: 'reply',
        at: after(t0, 30),
      }),
    );
    expect(await latestClock(store, ticket.id, 'first_response')).toMatchObject({
      metAt: after(t0, 30).toISOString(),
      breachedAt: null,
    });
    expect((await slaClocks(store, ticket.id)).filter((c) => c.kind === 'next_response')).toEqual([]);

    // The customer's first unanswered message sets the next response's deadline; writing again does not move it.
    await store.transaction((tx) =>
      receiveCustomerMessage(tx, ticket.id, { body: 'Any news?', channel: 'api', at: after(t0, 120) }),
    );
    await store.transaction((tx) =>
      receiveCustomerMessage(tx, ticket.id, { body: 'Hello?', channel: 'api', at: after(t0, 180) }),
    );
    const waiting = (await slaClocks(store, ticket.id)).filter((c) => c.kind === 'next_response');
    expect(waiting.map((c) => [c.startedAt, c.dueAt, c.metAt])).toEqual([
      [after(t0, 120).toISOString(), after(t0, 120 + 480).toISOString(), null],
    ]);
    await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        ...desk,
        direction: 'outbound',
        body: 'Fixed on our side.',
        action: 'reply',
        at: after(t0, 200),
      }),
    );
    await store.transaction((tx) =>
      receiveCustomerMessage(tx, ticket.id, { body: 'It works again, thanks.', channel: 'api', at: after(t0, 300) }),
    );
    const next = (await slaClocks(store, ticket.id)).filter((c) => c.kind === 'next_response');
    expect(next.map((c) => [c.startedAt, c.metAt])).toEqual([
      [after(t0, 120).toISOString(), after(t0, 200).toISOString()],
      [after(t0, 300).toISOString(), null],
    ]);
  });

  it('stops counting while the ticket is on hold or pending the customer: due times move on by the pause', async () => {
    const t0 = new Date('2032-01-01T09:00:00Z');
    const ticket = await openTicketAt(store, t0);
    await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        ...desk,
        direction: 'internal',
        body: 'Waiting on the mail provider.',
        action: 'hold',
        at: after(t0, 60),
      }),
    );
    expect(await latestClock(store, ticket.id, 'first_response')).toMatchObject({
      pausedSince: after(t0, 60).toISOString(),
      dueAt: after(t0, 480).toISOString(),
    });
    // Paused, a clock never breaches, even past its first due time.
    expect((await sweepSla(store, after(t0, 540))).breached.filter((b) => b.ticketId === ticket.id)).toEqual([]);
    await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        ...desk,
        direction: 'internal',
        body: 'The provider answered.',
        action: 'release',
        at: after(t0, 180),
      }),
    );
    expect(await latestClock(store, ticket.id, 'first_response')).toMatchObject({
      pausedSince: null,
      pausedSeconds: 7200,
      dueAt: after(t0, 480 + 120).toISOString(),
    });

    // L1-style answer that waits on the customer: the first response is met, the resolution pauses.
    await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        ...desk,
        direction: 'outbound',
        body: 'Does this solve it?',
        action: 'ask_customer',
        at: after(t0, 240),
      }),
    );
    expect(await latestClock(store, ticket.id, 'resolution')).toMatchObject({
      pausedSince: after(t0, 240).toISOString(),
    });
    await store.transaction((tx) =>
      receiveCustomerMessage(tx, ticket.id, { body: 'Not quite.', channel: 'api', at: after(t0, 600) }),
    );
    expect(await latestClock(store, ticket.id, 'resolution')).toMatchObject({
      pausedSince: null,
      pausedSeconds: (120 + 360) * 60,
      dueAt: after(t0, 4320 + 120 + 360).toISOString(),
    });
    expect(
      (await sweepSla(store, after(t0, 4320 + 1))).breached.filter(
        (b) => b.ticketId === ticket.id && b.clock === 'resolution',
      ),
    ).toEqual([]);
    expect(
      (await sweepSla(store, after(t0, 4320 + 480 + 1))).breached
        .filter((b) => b.ticketId === ticket.id)
        .map((b) => b.clock),
    ).toContain('resolution');
  });

  it('reports a clock near breach and then breached exactly once, however many sweeps run at once', async () => {
    const t0 = new Date('2033-01-01T09:00:00Z');
    const ticket = await openTicketAt(store, t0, 'urgent');
    const mine = (r: { breached: SlaAlert[]; nearBreach: SlaAlert[] }) => ({
      breached: r.breached.filter((a) => a.ticketId === ticket.id),
      nearBreach: r.nearBreach.filter((a) => a.ticketId === ticket.id),
    });
    expect(mine(await sweepSla(store, after(t0, 40)))).toEqual({ breached: [], nearBreach: [] });

    const near = (await Promise.all([sweepSla(store, after(t0, 50)), sweepSla(store, after(t0, 50))])).map(mine);
    expect(near.flatMap((r) => r.nearBreach)).toEqual([
      {
        ticketId: ticket.id,
        clockId: expect.any(String) as string,
        clock: 'first_response',
        priority: 'urgent',
        tier: 'L1',
        targetMinutes: 60,
        dueAt: after(t0, 60).toISOString(),
      },
    ]);
    expect(await outboxed(store, 'support.sla.near_breach', ticket.id)).toHaveLength(1);

    const swept = (
      await Promise.all([
        sweepSla(store, after(t0, 61)),
        sweepSla(store, after(t0, 61)),
        sweepSla(store, after(t0, 62)),
      ])
    ).map(mine);
    expect(swept.flatMap((r) => r.breached).map((b) => b.clock)).toEqual(['first_response']);
    expect(swept.flatMap((r) => r.nearBreach)).toEqual([]);
    expect(await latestClock(store, ticket.id, 'first_response')).toMatchObject({
      breachedAt: after(t0, 61).toISOString(),
      nearBreachAt: after(t0, 50).toISOString(),
    });
    const [event] = await outboxed(store, 'support.sla.breached', ticket.id);
    expect(await outboxed(store, 'support.sla.breached', ticket.id)).toHaveLength(1);
    expect(event).toMatchObject({
      source: 'wow/support-sla',
      subject: ticket.id,
      data: { ticketId: ticket.id, clock: 'first_response', dueAt: after(t0, 60).toISOString() },
    });
    expect(mine(await sweepSla(store, after(t0, 120)))).toEqual({ breached: [], nearBreach: [] });
    // A late answer is still met, after the breach.
    await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        ...desk,
        direction: 'outbound',
        body: 'Sorry for the wait.',
        action: 'reply',
        at: after(t0, 130),
      }),
    );
    expect(await latestClock(store, ticket.id, 'first_response')).toMatchObject({
      metAt: after(t0, 130).toISOString(),
      breachedAt: after(t0, 61).toISOString(),
    });
  });

  it('meets the resolution on solve, asks for a rating once per solve, and takes the rating only while solved', async () => {
    const t0 = new Date('2034-01-01T09:00:00Z');
    const ticket = await openTicketAt(store, t0);
    expect(await refusal(store.transaction((tx) => rateTicket(tx, ticket.id, { rating: 'good' })))).toMatchObject({
      code: 'WOW_ERR_CSAT_UNSOLVED',
      message: expect.stringContaining('is new: a rating is taken only once the ticket is solved') as string,
    });

    await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        ...desk,
        direction: 'outbound',
        body: 'Fixed: the endpoint was renamed.',
        action: 'solve',
        at: after(t0, 90),
      }),
    );
    expect(await latestClock(store, ticket.id, 'resolution')).toMatchObject({ metAt: after(t0, 90).toISOString() });
    await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        ...desk,
        direction: 'internal',
        body: 'Solved again by a second click.',
        action: 'solve',
        at: after(t0, 91),
      }),
    );
    const surveys = (await ticketMessages(store, ticket.id)).filter((m) => m.author.id === csatAuthor.id);
    expect(surveys).toHaveLength(1);
    expect(surveys[0]).toMatchObject({
      direction: 'outbound',
      autoSubmitted: true,
      channel: 'api',
      author: csatAuthor,
    });
    expect(surveys[0]?.body).toContain('good or bad');
    expect((await outboxed(store, 'support.message.outbound', ticket.id)).map((e) => e.data)).toContainEqual({
      ticketId: ticket.id,
      messageId: surveys[0]?.id,
      csatId: expect.any(String) as string,
    });

    expect(
      await refusal(store.transaction((tx) => rateTicket(tx, ticket.id, { rating: 'meh' as 'good' }))),
    ).toMatchObject({ code: 'WOW_ERR_CSAT_RATING' });
    const rated = await store.transaction((tx) =>
      rateTicket(tx, ticket.id, { rating: 'good', comment: '  Quick and clear.  ', at: after(t0, 120) }),
    );
    expect(rated).toMatchObject({
      messageId: surveys[0]?.id,
      rating: 'good',
      comment: 'Quick and clear.',
      ratedAt: after(t0, 120).toISOString(),
    });
    expect((await outboxed(store, 'support.csat.received', ticket.id)).map((e) => e.data)).toEqual([
      { ticketId: ticket.id, csatId: rated.id, rating: 'good', commented: true },
    ]);

    // Reopened, it takes no rating; solved again, the desk asks again.
    await store.transaction((tx) =>
      receiveCustomerMessage(tx, ticket.id, { body: 'It broke again.', channel: 'api', at: after(t0, 200) }),
    );
    expect(await latestClock(store, ticket.id, 'resolution')).toMatchObject({
      metAt: null,
      dueAt: after(t0, 4320 + 110).toISOString(),
    });
    expect(await refusal(store.transaction((tx) => rateTicket(tx, ticket.id, { rating: 'bad' })))).toMatchObject({
      code: 'WOW_ERR_CSAT_UNSOLVED',
    });
    await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        ...desk,
        direction: 'internal',
        body: 'Fixed for good.',
        action: 'solve',
        at: after(t0, 260),
      }),
    );
    await store.transaction((tx) => rateTicket(tx, ticket.id, { rating: 'bad', at: after(t0, 300) }));
    expect((await ticketCsat(store, ticket.id)).map((c) => c.rating)).toEqual(['good', 'bad']);
    expect((await findTicket(store, ticket.id))?.status).toBe('solved');
  });

  it('takes a reply to the survey as its rating without reopening the ticket; any other reply reopens it', async () => {
    const t0 = new Date('2034-06-01T09:00:00Z');
    const ticket = await openTicketAt(store, t0);
    await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        ...desk,
        direction: 'outbound',
        body: 'Done.',
        action: 'solve',
        at: after(t0, 30),
      }),
    );
    const rated = await store.transaction((tx) =>
      receiveCustomerMessage(tx, ticket.id, {
        body: 'Bad - it took three days.\n\nOn Monday, support wrote:\n> How would you rate',
        channel: 'api',
        at: after(t0, 40),
      }),
    );
    expect(rated).toMatchObject({ rated: 'bad', followUp: false, ticket: { status: 'solved' } });
    expect((await ticketCsat(store, ticket.id)).at(-1)).toMatchObject({
      rating: 'bad',
      comment: 'it took three days.',
    });
    expect((await findTicket(store, ticket.id))?.status).toBe('solved');
    // Only the survey's own answer: the rating is in, so "good" now is a reply like any other.
    const again = await store.transaction((tx) =>
      receiveCustomerMessage(tx, ticket.id, {
        body: 'Good morning, it broke again.',
        channel: 'api',
        at: after(t0, 50),
      }),
    );
    expect(again.rated).toBeUndefined();
    expect((await findTicket(store, ticket.id))?.status).toBe('open');
    expect(await outboxed(store, 'support.message.received', ticket.id)).toHaveLength(1);
  });
});

describe('a reply that answers the survey', () => {
  it('starts with good or bad, alone or before punctuation and a comment', () => {
    expect(readRating('Good')).toEqual({ rating: 'good', comment: undefined });
    expect(readRating('good, thanks!')).toEqual({ rating: 'good', comment: 'thanks!' });
    expect(readRating('BAD: too slow\n> quoted survey')).toEqual({ rating: 'bad', comment: 'too slow' });
    expect(readRating('Good morning, it broke again')).toBeUndefined();
    expect(readRating('It was good')).toBeUndefined();
  });
});
