// WowSupport: runs the support desk on customer tickets. L1 answers from the knowledge
// base or hands the ticket on; L2's specialist for the topic takes what L1 did not answer,
// and L3 drafts what a person approves. Every change it makes is announced, so that
// WowNotification delivers the answers and keeps the ticket's issue in step; a person
// moving a ticket by label on that issue comes back as support.ticket.rerouted.
// It also sweeps the tickets' SLA clocks on a schedule: a ticket close to breach at L1 goes to L2.
// And it learns: a ticket L2 or L3 solved, rated good, becomes a knowledge-base article in a pull request.
import { z } from 'zod';
import { defineAgent, githubEvent } from '#platform';
import { pruneIdempotency, sweepSla } from '#domains/support';
import { deskSettings, type DeskContext, type DeskSettings } from './desk-settings.ts';
import { answerTicket } from './handlers/answer-ticket.ts';
import { escalateNearBreach } from './handlers/escalate-near-breach.ts';
import {
  answerIncidentComment,
  confirmIncidentRecovered,
  confirmRemedyRecovered,
  errorOccurred,
  incidentOpened,
  incidentResolved,
  incidentUnrecovered,
  investigateError,
  investigateIncident,
  remedyRecovered,
  undoUnhelpfulRemedy,
} from './handlers/investigate-trouble.ts';
import { routeTicket, type RouteOutcome } from './handlers/route-ticket.ts';
import { learnFromTicket } from './learning/learn-from-ticket.ts';

// `wow playbooks list|test` (cli/commands/playbooks.ts) loads and dry-runs the same playbooks.
export { loadPlaybooks, parsePlaybook, type LoadedPlaybook } from './playbooks/load-playbooks.ts';
export { dryRunPlaybook, recordedFixture, type DryRun } from './playbooks/dry-run-playbook.ts';
export type { Playbook } from './playbooks/playbook-schema.ts';

const ticketEvent = z.object({ ticketId: z.uuid() });
// WowNotification's, when a person's label on the ticket's issue moved it.
const reroutedEvent = z.object({ ticketId: z.uuid(), tier: z.enum(['L1', 'L2', 'L3']) });
// The domain's, when a customer rates a solve: a good one of an L2 or L3 answer becomes an article.
const ratingEvent = z.object({ ticketId: z.uuid(), csatId: z.uuid(), rating: z.enum(['good', 'bad']) });
const slaAlert = z.object({
  ticketId: z.uuid(),
  clockId: z.uuid(),
  clock: z.enum(['first_response', 'next_response', 'resolution']),
  priority: z.enum(['urgent', 'high', 'normal', 'low']),
  tier: z.enum(['L1', 'L2', 'L3']),
  targetMinutes: z.number().int().positive(),
  dueAt: z.iso.datetime(),
});

/** L1 on a new ticket or a customer's message; what L1 does not answer, L2's specialist for the topic takes. */
async function answer(ctx: DeskContext, { ticketId }: z.infer<typeof ticketEvent>) {
  const outcome = await answerTicket(ctx, ctx.delivery.eventId, ticketId);
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
    outcome.did === 'answered' || outcome.did === 'solved'
      ? undefined
      : await routeTicket(ctx, ctx.delivery.eventId, ticketId);
  if (specialist !== undefined) await announceRouting(ctx, ticketId, specialist);
  return { ...outcome, specialist };
}

export default defineAgent({
  settings: deskSettings,
  on: {
    'support.ticket.opened': { input: ticketEvent, handle: answer },
    'support.message.received': { input: ticketEvent, handle: answer },
    'support.csat.received': { input: ratingEvent, handle: learnFromTicket },
    'support.sla.near_breach': {
      input: slaAlert,
      async handle(ctx, alert) {
        const outcome = await escalateNearBreach(ctx, ctx.delivery.eventId, alert);
        if (outcome.did === 'escalated')
          await ctx.emit({
            type: 'support.ticket.escalated',
            subject: alert.ticketId,
            data: { ticketId: alert.ticketId, tier: outcome.tier, reason: outcome.reason },
          });
        // Near breach at L1 is L2's now: the specialist for the topic takes it at once.
        const specialist =
          outcome.did === 'escalated' ? await routeTicket(ctx, ctx.delivery.eventId, alert.ticketId) : undefined;
        if (specialist !== undefined) await announceRouting(ctx, alert.ticketId, specialist);
        return { ...outcome, specialist };
      },
    },
    'support.ticket.rerouted': {
      input: reroutedEvent,
      async handle(ctx, { ticketId, tier }) {
        // A person moving a ticket to L2 by label brings in the specialist for its topic.
        if (tier !== 'L2') return { did: 'skipped', why: `the ticket moved to ${tier}: no specialist to bring in` };
        const specialist = await routeTicket(ctx, ctx.delivery.eventId, ticketId);
        await announceRouting(ctx, ticketId, specialist);
        return { specialist };
      },
    },
    // The self-healing loop: an incident or an error runs the first playbook that fits (playbooks/*.yml).
    'support.incident.opened': { input: incidentOpened, handle: investigateIncident },
    'error.occurred': { input: errorOccurred, handle: investigateError },
    // WowAnalytics' verdict on a remedy: recovered (the incident closed; an error's remedy, its windows showed it),
    // or not, and then it is undone and goes to L3.
    'support.incident.resolved': { input: incidentResolved, handle: confirmIncidentRecovered },
    'support.remedy.recovered': { input: remedyRecovered, handle: confirmRemedyRecovered },
    'support.incident.unrecovered': { input: incidentUnrecovered, handle: undoUnhelpfulRemedy },
    // `/approve` on an incident's issue releases the high-risk remedy waiting there.
    'github.issue_comment.created': {
      input: githubEvent<'issue_comment.created'>(),
      handle: (ctx, { payload }) =>
        answerIncidentComment(ctx, {
          owner: payload.repository.owner.login,
          repo: payload.repository.name,
          issue: payload.issue.number,
          commentId: payload.comment.id,
          login: payload.comment.user?.login ?? '',
          isBot: payload.comment.user?.type === 'Bot' || payload.sender.type === 'Bot',
          body: payload.comment.body,
        }),
    },
  },
  every: {
    // The clocks run without events: breaches and near breaches are found by sweeping them.
    // The sweep writes its alerts to the outbox (support.sla.*, the domain's events).
    sla: {
      interval: (settings: DeskSettings) => settings.support.slaSweepMs,
      async handle(ctx) {
        const { breached, nearBreach } = await sweepSla(ctx.store, ctx.clock());
        if (breached.length + nearBreach.length > 0)
          ctx.log.info({ breached: breached.length, nearBreach: nearBreach.length }, 'SLA sweep');
      },
    },
    // Stored Idempotency-Key answers are kept a day; the rows past it go.
    prune: {
      interval: 3_600_000,
      async handle(ctx) {
        const pruned = await pruneIdempotency(ctx.store, ctx.clock());
        if (pruned > 0) ctx.log.info({ pruned }, 'pruned expired Idempotency-Key answers');
      },
    },
  },
});

/**
 * What the specialists did, for WowNotification to bring the ticket's issue in step:
 * support.ticket.routed when a specialist took it, support.ticket.solved when it was
 * solved, and support.ticket.escalated for each step up to L3, where a person takes over.
 */
async function announceRouting(ctx: DeskContext, ticketId: string, outcome: RouteOutcome): Promise<void> {
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
