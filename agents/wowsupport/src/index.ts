// WowSupport: runs the support desk on customer tickets. L1 answers from the knowledge
// base or hands the ticket on; L2's specialist for the topic takes what L1 did not answer,
// and L3 drafts what a person approves. Every change it makes is announced, so that
// WowNotification delivers the answers and keeps the ticket's issue in step; a person
// moving a ticket by label on that issue comes back as support.ticket.rerouted.
// It also sweeps the tickets' SLA clocks: a ticket close to breach at L1 goes to L2.
import { z } from 'zod';
import { defineAgent, type AgentContext } from '#platform';
import { pruneIdempotency } from '#domains/support';
import { answerTicket } from './handlers/answer-ticket.ts';
import { escalateNearBreach } from './handlers/escalate-near-breach.ts';
import { routeTicket, type RouteOutcome } from './handlers/route-ticket.ts';
import { runEvery } from './handlers/run-every.ts';
import { watchSla } from './handlers/watch-sla.ts';

const ticketEvent = z.object({ ticketId: z.uuid() });
// WowNotification's, when a person's label on the ticket's issue moved it.
const reroutedEvent = z.object({ ticketId: z.uuid(), tier: z.enum(['L1', 'L2', 'L3']) });
const slaAlert = z.object({
  ticketId: z.uuid(),
  clockId: z.uuid(),
  clock: z.enum(['first_response', 'next_response', 'resolution']),
  priority: z.enum(['urgent', 'high', 'normal', 'low']),
  tier: z.enum(['L1', 'L2', 'L3']),
  targetMinutes: z.number().int().positive(),
  dueAt: z.iso.datetime(),
});

// The stops of the timers start() set going.
let timers: (() => Promise<void>)[] = [];

export default defineAgent({
  input: {
    'support.ticket.opened': ticketEvent,
    'support.message.received': ticketEvent,
    'support.sla.near_breach': slaAlert,
    'support.ticket.rerouted': reroutedEvent,
  },
  async start(ctx) {
    const { slaSweepMs } = ctx.config.support;
    timers = [
      // The runtime wakes agents only on events: the SLA clocks are swept on a timer.
      ...(slaSweepMs > 0 ? [watchSla(ctx, slaSweepMs)] : []),
      // Hourly: expired Idempotency-Key answers.
      runEvery(
        3_600_000,
        async () => {
          await pruneIdempotency(ctx.store, ctx.clock());
        },
        ctx.log,
        'could not prune expired support rows; trying again in an hour',
      ),
    ];
  },
  async stop() {
    await Promise.all(timers.map((stop) => stop()));
    timers = [];
  },
  async handle(ctx, event) {
    if (event.type === 'support.sla.near_breach') {
      const alert = slaAlert.parse(event.data);
      const outcome = await escalateNearBreach(ctx, event.id, alert);
      if (outcome.did === 'escalated')
        await ctx.emit({
          type: 'support.ticket.escalated',
          subject: alert.ticketId,
          data: { ticketId: alert.ticketId, tier: outcome.tier, reason: outcome.reason },
        });
      // Near breach at L1 is L2's now: the specialist for the topic takes it at once.
      const specialist = outcome.did === 'escalated' ? await routeTicket(ctx, event.id, alert.ticketId) : undefined;
      if (specialist !== undefined) await announceRouting(ctx, alert.ticketId, specialist);
      return { ...outcome, specialist };
    }
    if (event.type === 'support.ticket.rerouted') {
      // A person moving a ticket to L2 by label brings in the specialist for its topic.
      const { ticketId, tier } = reroutedEvent.parse(event.data);
      if (tier !== 'L2') return { did: 'skipped', why: `the ticket moved to ${tier}: no specialist to bring in` };
      const specialist = await routeTicket(ctx, event.id, ticketId);
      await announceRouting(ctx, ticketId, specialist);
      return { specialist };
    }
    const { ticketId } = ticketEvent.parse(event.data);
    const outcome = await answerTicket(ctx, event.id, ticketId);
    if (outcome.did === 'answered')
      await ctx.emit({
        type: 'support.ticket.answered',
        subject: ticketId,
        data: { ticketId, article: outcome.article, confidence: outcome.confidence },
      });
    if (outcome.did === 'escalated')
      await ctx.emit({
        type: 'support.ticket.escalated',
        subject: ticketId,
        data: { ticketId, tier: outcome.tier, reason: outcome.reason },
      });
    if (outcome.did === 'solved')
      await ctx.emit({ type: 'support.ticket.solved', subject: ticketId, data: { ticketId, why: outcome.why } });
    // What L1 did not answer, L2's specialist for the topic takes (or L3, for what needs a person).
    const specialist =
      outcome.did === 'answered' || outcome.did === 'solved' ? undefined : await routeTicket(ctx, event.id, ticketId);
    if (specialist !== undefined) await announceRouting(ctx, ticketId, specialist);
    return { ...outcome, specialist };
  },
});

/**
 * What the specialists did, for WowNotification to bring the ticket's issue in step:
 * support.ticket.routed when a specialist took it, support.ticket.solved when it was
 * solved, and support.ticket.escalated for each step up to L3, where a person takes over.
 */
async function announceRouting(ctx: AgentContext, ticketId: string, outcome: RouteOutcome): Promise<void> {
  if (outcome.did === 'routed')
    await ctx.emit({
      type: 'support.ticket.routed',
      subject: ticketId,
      data: { ticketId, tier: outcome.tier, topic: outcome.topic, assignee: outcome.assignee },
    });
  if (outcome.did === 'solved')
    await ctx.emit({ type: 'support.ticket.solved', subject: ticketId, data: { ticketId, why: outcome.why } });
  if (outcome.did === 'escalated')
    await ctx.emit({
      type: 'support.ticket.escalated',
      subject: ticketId,
      data: { ticketId, tier: 'L3', reason: outcome.reason },
    });
  if (outcome.did === 'routed' && outcome.tier === 'L3')
    await ctx.emit({
      type: 'support.ticket.escalated',
      subject: ticketId,
      data: { ticketId, tier: 'L3', reason: `${outcome.topic}: a person approves every answer` },
    });
}
