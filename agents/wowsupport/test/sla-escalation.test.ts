import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudEvent } from '#platform';
import { startTestAgent, type TestAgent } from '#platform/testing';
import { findTicket, setTicketRouting, sweepSla, ticketMessages } from '#domains/support';
import { latestClock, openTicketAt, outboxed } from '#domains/support/testing';

// The domain keeps the clocks (domains/support/test/sla.test.ts); here, what WowSupport
// does with them: its schedule sweeps them, and a near breach at L1 goes to L2.
// Every time is passed in: each test starts its tickets at its own instant, years apart,
// so the sweeps of one test find nothing of another's that is not long settled.
const minutes = (m: number) => m * 60_000;
const after = (t0: Date, m: number) => new Date(t0.getTime() + minutes(m));

describe("WowSupport's SLA sweep", () => {
  it('runs on the schedule SUPPORT_SLA_SWEEP_SECONDS sets, and finds a breach as it happens', async () => {
    const agent = await startTestAgent({
      agentsDir: fileURLToPath(new URL('../..', import.meta.url)),
      id: 'wowsupport',
      alongside: ['wowsearch'],
      env: { SUPPORT_SLA_SWEEP_SECONDS: '1' },
    });
    try {
      // Opened two hours ago at urgent priority: its first response (an hour) is overdue now.
      const ticket = await openTicketAt(agent.store, new Date(Date.now() - minutes(120)), 'urgent');
      await agent.eventually(async () =>
        expect(await latestClock(agent.store, ticket.id, 'first_response')).toMatchObject({
          breachedAt: expect.any(String) as string,
        }),
      );
      expect(await outboxed(agent.store, 'support.sla.breached', ticket.id)).toHaveLength(1);
      const schedules = await agent.store.query<{ name: string; interval_ms: number }>(
        "select name, interval_ms from agent_schedules where agent_id = 'wowsupport' order by name",
      );
      expect(schedules.rows).toEqual([
        { name: 'prune', interval_ms: 3_600_000 },
        { name: 'sla', interval_ms: 1000 },
      ]);
    } finally {
      await agent.stop();
    }
  });
});

describe('WowSupport on a near breach', () => {
  const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
  let agent: TestAgent;
  beforeAll(async () => {
    // The agent's own sweep is off: the test sweeps at the times it chooses.
    agent = await startTestAgent({
      agentsDir,
      id: 'wowsupport',
      alongside: ['wowsearch'],
      env: { SUPPORT_SLA_SWEEP_SECONDS: '0' },
    });
  });
  afterAll(async () => {
    await agent.stop();
  });

  /** Sweeps at `now`, and hands the ticket's near-breach event to the agent as the outbox relay would. */
  async function sweepAndDeliver(ticketId: string, now: Date): Promise<CloudEvent> {
    await sweepSla(agent.store, now);
    const [event] = await outboxed(agent.store, 'support.sla.near_breach', ticketId);
    if (event === undefined) throw new Error('no near-breach event was published');
    return agent.publish({
      id: event.id,
      source: event.source,
      type: event.type,
      subject: event.subject,
      data: event.data,
    });
  }

  it('escalates an L1 ticket to L2 with the reason as an internal note, once', async () => {
    const t0 = new Date('2035-01-01T09:00:00Z');
    const ticket = await openTicketAt(agent.store, t0);
    const event = await sweepAndDeliver(ticket.id, after(t0, 420));
    const escalated = await agent.emitted(
      'support.ticket.escalated',
      (e) => (e.data as { ticketId: string }).ticketId === ticket.id,
    );
    expect(escalated.data).toMatchObject({
      tier: 'L2',
      reason: expect.stringContaining('first response target (480 minutes at normal priority)') as string,
    });
    // L2's specialist for the topic takes it at once.
    await agent.eventually(async () => expect((await findTicket(agent.store, ticket.id))?.topic).not.toBeNull());
    expect(await findTicket(agent.store, ticket.id)).toMatchObject({ tier: 'L2' });
    const notes = (await ticketMessages(agent.store, ticket.id)).filter((m) => m.direction === 'internal');
    expect(notes.map((n) => n.body)).toEqual([
      expect.stringMatching(/^SLA: the first response target .* Escalated from L1 to L2\.$/) as string,
      expect.stringMatching(/^L2 specialist \(/) as string,
    ]);
    // Redelivered, the same event changes nothing.
    await agent.publish({
      id: event.id,
      source: event.source,
      type: event.type,
      subject: event.subject,
      data: event.data,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await ticketMessages(agent.store, ticket.id)).filter((m) => m.direction === 'internal')).toHaveLength(2);
  });

  it('leaves a ticket that is past L1 as it is', async () => {
    const t0 = new Date('2036-01-01T09:00:00Z');
    const ticket = await openTicketAt(agent.store, t0);
    await agent.store.transaction((tx) => setTicketRouting(tx, ticket.id, { tier: 'L3' }));
    const event = await sweepAndDeliver(ticket.id, after(t0, 420));
    // Handled once and left alone: its run-once key is taken with the outcome.
    await agent.eventually(async () =>
      expect(
        (
          await agent.store.query<{ result: unknown }>(
            "select result from processed_messages where scope = 'wowsupport' and key = $1",
            [event.id],
          )
        ).rows[0]?.result,
      ).toEqual({ did: 'skipped', why: 'the ticket is at L3 already' }),
    );
    expect(await findTicket(agent.store, ticket.id)).toMatchObject({ tier: 'L3' });
    expect(
      agent.events.filter(
        (e) => e.type === 'support.ticket.escalated' && (e.data as { ticketId: string }).ticketId === ticket.id,
      ),
    ).toEqual([]);
  });
});
