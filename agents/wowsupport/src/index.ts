// WowSupport: runs the support desk on customer tickets. L1 answers from the knowledge
// base or hands the ticket on; answers go to the customer by the ticket's channel; each
// ticket is kept in step with its issue in the support repository, and what people do on
// that issue (comments, /reply, /approve, closing, labels) comes back to the ticket.
// It also watches every agent's health and opens an incident when it regresses, and sweeps
// the tickets' SLA clocks: a ticket close to breach at L1 goes to L2.
import { z } from 'zod';
import { defineAgent, githubDelivery, type AgentContext } from '#platform';
import { createCustomerChannels } from './delivery/customer-channels.ts';
import type { CustomerChannels } from './delivery/deliver-outbound.ts';
import { answerTicket } from './handlers/answer-ticket.ts';
import { deliverAnswer } from './handlers/deliver-answer.ts';
import { escalateNearBreach } from './handlers/escalate-near-breach.ts';
import { receiveGitHub } from './handlers/receive-github.ts';
import { routeTicket, type RouteOutcome } from './handlers/route-ticket.ts';
import { runEvery } from './handlers/run-every.ts';
import { syncWithGitHub } from './handlers/sync-with-github.ts';
import { watchIncidents } from './handlers/watch-incidents.ts';
import { warnPlainSecrets } from './handlers/warn-plain-secrets.ts';
import { watchSla } from './handlers/watch-sla.ts';
import { pruneExpired } from './housekeeping/prune-expired.ts';

// `wow support` (cli/commands/support.ts) lists incidents and the agents customers use.
export { addCustomerAgent, openIncidents, type Incident } from './incidents/incident-store.ts';

const ticketEvent = z.object({ ticketId: z.uuid() });
const outboundEvent = z.object({ ticketId: z.uuid(), messageId: z.uuid() });
const slaAlert = z.object({
  ticketId: z.uuid(),
  clockId: z.uuid(),
  clock: z.enum(['first_response', 'next_response', 'resolution']),
  priority: z.enum(['urgent', 'high', 'normal', 'low']),
  tier: z.enum(['L1', 'L2', 'L3']),
  targetMinutes: z.number().int().positive(),
  dueAt: z.iso.datetime(),
});

// Per process: one mail transport, made on first use.
let channels: Promise<CustomerChannels> | undefined;
const channelsFor = (ctx: AgentContext) => (channels ??= createCustomerChannels(ctx.config.support));
// The stops of the timers start() set going.
let timers: (() => Promise<void>)[] = [];

export default defineAgent({
  input: {
    'support.ticket.opened': ticketEvent,
    'support.message.received': ticketEvent,
    'support.message.outbound': outboundEvent,
    'support.sla.near_breach': slaAlert,
    'github.*': githubDelivery,
  },
  async start(ctx) {
    await warnPlainSecrets(ctx);
    const { incidentCheckMs, slaSweepMs } = ctx.config.support;
    timers = [
      // Agents' health is judged here too: a regression opens one incident issue.
      ...(incidentCheckMs > 0 ? [watchIncidents(ctx, incidentCheckMs)] : []),
      // The runtime wakes agents only on events: the SLA clocks are swept on a timer.
      ...(slaSweepMs > 0 ? [watchSla(ctx, slaSweepMs)] : []),
      // Hourly: expired Idempotency-Key answers and health minutes no baseline reads.
      runEvery(
        3_600_000,
        async () => {
          await pruneExpired(ctx.store, ctx.clock());
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
    if (event.type === 'support.message.outbound') {
      const { ticketId, messageId } = outboundEvent.parse(event.data);
      const delivery = await deliverAnswer(ctx, await channelsFor(ctx), ticketId, messageId);
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
      if (specialist !== undefined) await announceEscalation(ctx, alert.ticketId, specialist);
      return { ...outcome, specialist, sync: await syncWithGitHub(ctx, alert.ticketId) };
    }
    if (event.type.startsWith('github.')) {
      const outcome = await receiveGitHub(ctx, event);
      if (outcome.did === 'ignored') return outcome;
      const ticketId = 'ticketId' in outcome ? outcome.ticketId : outcome.ticket.id;
      // A person moving a ticket to L2 by label brings in the specialist for its topic.
      const specialist =
        outcome.did === 'rerouted' && outcome.ticket.tier === 'L2'
          ? await routeTicket(ctx, event.id, ticketId)
          : undefined;
      if (specialist !== undefined) await announceEscalation(ctx, ticketId, specialist);
      return { ...outcome, specialist, sync: await syncWithGitHub(ctx, ticketId) };
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
    // What L1 did not answer, L2's specialist for the topic takes (or L3, for what needs a person).
    const specialist =
      outcome.did === 'answered' || outcome.did === 'solved' ? undefined : await routeTicket(ctx, event.id, ticketId);
    if (specialist !== undefined) await announceEscalation(ctx, ticketId, specialist);
    return { ...outcome, specialist, sync: await syncWithGitHub(ctx, ticketId) };
  },
});

/** support.ticket.escalated for each step up to L3, where a person takes over. */
async function announceEscalation(ctx: AgentContext, ticketId: string, outcome: RouteOutcome): Promise<void> {
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
