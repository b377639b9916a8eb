import type { PgQueryable } from '#platform';
import { customerMemoryOf, memoryFindings } from '../tiers/customer-memory.ts';
import {
  draftAnswer,
  findTicket,
  cachedKillSwitch,
  recordDeskMessage,
  setTicketRouting,
  ticketMessages,
  type Message,
  type Ticket,
  supportErrors,
} from '#domains/support';
import type { DeskContext } from '../desk-settings.ts';
import { askWowCache, type CacheStatsReply } from '../specialists/ask-wowcache.ts';
import { activityFindings, recentActivity, type AgentActivity } from '../specialists/ask-wowevent.ts';
import { healthReportProtocol } from '../../../wowanalytics/src/index.ts';
import { protocolMapProtocol, type ProtocolMap } from '../../../wowcommunication/src/index.ts';
import { classifyTopic, isL3Topic } from '../specialists/classify-topic.ts';
import { asksStatus } from '../tiers/answer-status.ts';
import type { AgentHealth } from '../specialists/diagnosis.ts';
import { agentsConcerned, customerAgents } from '../specialists/find-agents.ts';
import { isUnreachable } from '../specialists/unreachable.ts';
import { routeToSpecialist } from '../specialists/route-to-specialist.ts';
import { questionMaxLength } from '../tiers/answer-at-l1.ts';
import { askWowSearch, type ArticleHit } from '../tiers/ask-wowsearch.ts';
import { readsAsSolved } from '../tiers/reads-as-solved.ts';
import { self } from './answer-ticket.ts';
import { recordedOnce } from './recorded-once.ts';

export type RouteOutcome =
  | { did: 'skipped'; why: string }
  | { did: 'routed'; topic: string; assignee: string; tier: 'L2' | 'L3'; answered: boolean }
  | { did: 'solved'; why: string }
  | { did: 'escalated'; tier: 'L3'; reason: string };

const specialistId = (topic: string) => `${self.id}/${topic}`;

/**
 * L2 on a ticket L1 handed on (or a person moved to L2): the specialist for its topic
 * diagnoses from the platform's own data, notes what it found on the ticket, answers the
 * customer when the findings do, or hands the ticket to its team; security, privacy and
 * outage go to L3 as a draft for an approver. When the customer replies that a
 * specialist's answer did not solve it, the ticket goes to L3. Once per event.
 */
export async function routeTicket(ctx: DeskContext, eventId: string, ticketId: string): Promise<RouteOutcome> {
  const stop = await cachedKillSwitch(ctx.cache, ctx.store);
  if (stop.on)
    return { did: 'skipped', why: `the kill switch is on (by ${stop.by ?? 'someone'}): nothing answers automatically` };
  const key = `${eventId}:specialist`;
  const done = await recordedOnce<RouteOutcome>(ctx, key);
  if (done !== undefined) return done;
  // WowSearch, WowAnalytics, WowCommunication and WowCache are asked before the transaction: they
  // answer over the bus, and on the embedded store (one connection) they would wait for it to end.
  const { hits, health, protocols, unanswered, cache } = await askBeforeRouting(ctx, ticketId);
  // WowEvent too: what the agents concerned sent lately, from its archive; and the agents the customer
  // uses, which come from the cache: a load of them by another handler may be waiting for the store's
  // connection the transaction would hold (the embedded store has one), and joining it inside would never end.
  const { activity, used } = await activityForSpecialist(ctx, ticketId);
  // What earlier tickets taught about the customer goes on the note for whoever takes this one.
  const memory = customerMemoryOf(ctx);
  const remembered = memory === undefined ? [] : await memoryFindings(memory);
  return ctx.once(key, async (tx): Promise<RouteOutcome> => {
    const ticket = await findTicket(tx, ticketId);
    if (ticket === undefined) throw supportErrors.createError('WOW_ERR_TICKET_NOT_FOUND', { ticket: ticketId });
    if (ticket.tier !== 'L2') return { did: 'skipped', why: `the ticket is at ${ticket.tier}` };
    const messages = await ticketMessages(tx, ticketId);
    if (ticket.topic !== null) return afterSpecialist(tx, ticket.id, ticket.topic, messages);
    const text = customerText(ticket, messages);
    const registry = await ctx.agents(tx);
    const diagnosis = await routeToSpecialist({
      db: tx,
      deadLetters: ctx.deadLetters,
      ticket,
      text,
      // Read before the transaction; a ticket that only now waits for its specialist reads as using none.
      agents: agentsConcerned(text, registry, used),
      hits,
      // Asked for what the ticket named before the transaction; an agent named only since reads as unknown.
      healthOf: (ids) =>
        Promise.resolve(health.filter((h) => (ids === undefined ? h.incident !== null : ids.includes(h.id)))),
      protocolsOf: () => Promise.resolve(protocols),
      unanswered,
      cache,
      now: ctx.clock(),
    });
    diagnosis.findings.push(...activityFindings(activity));
    const specialist = { kind: 'agent', id: specialistId(diagnosis.topic) } as const;
    await setTicketRouting(tx, ticketId, { topic: diagnosis.topic, assignee: diagnosis.assignee });
    const handedTo =
      diagnosis.tier === 'L3'
        ? 'L3: the drafted answer waits for an approver'
        : diagnosis.answer === undefined
          ? `handed to ${diagnosis.assignee}`
          : 'answered the customer';
    await recordDeskMessage(tx, ticketId, {
      direction: 'internal',
      author: specialist,
      body: `L2 specialist (${diagnosis.topic}) ${handedTo}.\n\n${[...diagnosis.findings, ...remembered].map((f) => `- ${f}`).join('\n')}`,
      autoSubmitted: true,
      tier: diagnosis.tier,
    });
    if (diagnosis.answer !== undefined) {
      if (diagnosis.tier === 'L3') await draftAnswer(tx, ticketId, { author: specialist, body: diagnosis.answer });
      else
        await recordDeskMessage(tx, ticketId, {
          direction: 'outbound',
          author: specialist,
          body: `${diagnosis.answer}\n\nIf this does not solve it, reply and we will bring in an engineer.`,
          autoSubmitted: true,
          action: 'ask_customer',
        });
    }
    return {
      did: 'routed',
      topic: diagnosis.topic,
      assignee: diagnosis.assignee,
      tier: diagnosis.tier,
      answered: diagnosis.answer !== undefined && diagnosis.tier === 'L2',
    };
  });
}

/** What the customer wrote on the ticket, the subject first: what the specialist reads. */
function customerText(ticket: Ticket, messages: readonly Message[]): string {
  const inbound = messages.filter((m) => m.direction === 'inbound' && !m.autoSubmitted);
  return [ticket.subject, ...inbound.map((m) => m.body)].join('\n');
}

/**
 * What the specialist will read from other agents, for a ticket that waits for its
 * specialist (nothing for any other): the articles closest to it, and, when its words make
 * it a performance or a status question, how the agents it concerns are doing (and, for
 * performance, the requests to them that fail fast and the cache's figures). The knowledge base is
 * searched for the start of the text, as L1 does: a pasted log of 70,000 characters once
 * made a query the embedded PGlite failed on ("bad buffer ID").
 */
async function askBeforeRouting(ctx: DeskContext, ticketId: string): Promise<Asked> {
  const none = { protocols: [], findings: [] };
  const nothing: Asked = { hits: [], health: [], protocols: none, unanswered: [], cache: undefined };
  const ticket = await findTicket(ctx.store, ticketId);
  if (ticket?.tier !== 'L2' || ticket.topic !== null) return nothing;
  const text = customerText(ticket, await ticketMessages(ctx.store, ticketId));
  const hits = await askWowSearch(ctx, text.slice(0, questionMaxLength));
  const best = hits[0];
  const topic = classifyTopic(text, best !== undefined && best.coverage >= 0.5 ? best.intent : undefined);
  // Health decides a status question's topic (an agent in an incident makes it an outage), informs performance,
  // and gives an outage's draft its incidents.
  const performance = topic === 'performance';
  const outage = topic === 'outage';
  if (!performance && !outage && (isL3Topic(topic) || !asksStatus.test(text))) return { ...nothing, hits };
  const agents = agentsConcerned(
    text,
    await ctx.agents(),
    await customerAgents(ctx.cache, ctx.store, ticket.customerId),
  );
  if (agents.length === 0 && !outage) return { ...nothing, hits };
  // An outage naming no agent asks for every agent with an incident open.
  const ids = agents.slice(0, 50).map((a) => a.id);
  const named = ids.length === 0 ? {} : { agents: ids };
  const unanswered: string[] = [];
  // The desk routes without what another agent could not tell it, and says so in its note.
  const orElse = <T>(who: string, asked: Promise<T>, fallback: T): Promise<T> =>
    asked.catch((err: unknown) => {
      if (!isUnreachable(err)) throw err;
      ctx.log.warn({ err, who }, 'routing without an answer from another agent');
      unanswered.push(`${who} did not answer (${err.code}); routed without it.`);
      return fallback;
    });
  const [report, protocols, cache] = await Promise.all([
    orElse('WowAnalytics (analytics.health.report)', ctx.request(healthReportProtocol, named), {
      agents: [],
    }),
    performance
      ? orElse(
          'WowCommunication (communication.protocols.map)',
          ctx.request(protocolMapProtocol, { agents: ids }),
          none,
        )
      : none,
    // WowCache's figures are findings only: askWowCache goes on without them when it does not answer.
    performance ? askWowCache(ctx) : undefined,
  ]);
  return { hits, health: report.agents, protocols, unanswered, cache };
}

/**
 * For a ticket waiting for its specialist (nothing for any other): the agents its customer
 * uses, and the recent events of the agents it concerns.
 */
async function activityForSpecialist(
  ctx: DeskContext,
  ticketId: string,
): Promise<{ activity: AgentActivity[]; used: readonly string[] }> {
  const ticket = await findTicket(ctx.store, ticketId);
  if (ticket?.tier !== 'L2' || ticket.topic !== null) return { activity: [], used: [] };
  const registry = await ctx.agents();
  const text = customerText(ticket, await ticketMessages(ctx.store, ticketId));
  const used = await customerAgents(ctx.cache, ctx.store, ticket.customerId);
  return { activity: await recentActivity(ctx, agentsConcerned(text, registry, used), registry), used };
}

/** What L2 asked other agents before routing, and whom it could not ask. */
interface Asked {
  hits: ArticleHit[];
  health: AgentHealth[];
  protocols: ProtocolMap;
  unanswered: string[];
  cache: CacheStatsReply | undefined;
}

/** A ticket a specialist holds: a customer's reply to the specialist's answer means L2 did not solve it. */
async function afterSpecialist(
  tx: PgQueryable,
  ticketId: string,
  topic: string,
  messages: Message[],
): Promise<RouteOutcome> {
  const answeredAt = messages.findLastIndex((m) => m.direction === 'outbound' && m.author.id === specialistId(topic));
  const reply =
    answeredAt < 0
      ? undefined
      : messages
          .slice(answeredAt + 1)
          .filter((m) => m.direction === 'inbound' && !m.autoSubmitted)
          .at(-1);
  if (reply === undefined) return { did: 'skipped', why: `the ticket is with ${topic}` };
  if (readsAsSolved(reply.body)) {
    const why = `the customer confirmed the ${topic} specialist's answer solved it`;
    await recordDeskMessage(tx, ticketId, {
      direction: 'internal',
      author: { kind: 'agent', id: specialistId(topic) },
      body: `Solved: ${why}.`,
      autoSubmitted: true,
      action: 'solve',
    });
    return { did: 'solved', why };
  }
  const reason = `the customer replied to the ${topic} specialist's answer, so L2 did not solve it`;
  await recordDeskMessage(tx, ticketId, {
    direction: 'internal',
    author: { kind: 'agent', id: specialistId(topic) },
    body: `Escalated to L3: ${reason}. A person takes it from here.`,
    autoSubmitted: true,
    tier: 'L3',
  });
  await setTicketRouting(tx, ticketId, { assignee: `team:${topic}` });
  return { did: 'escalated', tier: 'L3', reason };
}
