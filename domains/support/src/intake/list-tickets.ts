import { z } from 'zod';
import type { PgQueryable } from '#platform';
import { ticketStatuses } from '../desk/ticket-status.ts';
import type { Ticket } from '../desk/tickets.ts';
import { parseInput } from './parse-input.ts';
import { ticketView, type TicketView } from './ticket-view.ts';

/**
 * Where a ticket stands against its service levels now: a clock past due (breached), every
 * running clock paused (the ball is with the customer), less than a fifth of a target left
 * (at risk), or on track; once nothing runs, met or missed (a target was late), or none
 * (no clock ever ran).
 */
export type SlaState = 'breached' | 'at_risk' | 'on_track' | 'paused' | 'met' | 'missed' | 'none';

export interface ListedTicket extends TicketView {
  sla: { state: SlaState; dueAt: string | null };
}

export interface TicketPage {
  tickets: ListedTicket[];
  /** Pass it as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

export const maxTicketPage = 100;

const cursorText = z
  .string()
  .max(200)
  .transform((text, ctx) => {
    const [at, id] = Buffer.from(text, 'base64url').toString('utf8').split('|');
    if (
      at === undefined ||
      id === undefined ||
      !z.iso.datetime().safeParse(at).success ||
      !z.uuid().safeParse(id).success
    ) {
      ctx.addIssue({ code: 'custom', message: 'expected the nextCursor of the previous page' });
      return z.NEVER;
    }
    return { at, id };
  });

const query = z.object({
  status: z.enum(ticketStatuses).optional(),
  tier: z.enum(['L1', 'L2', 'L3']).optional(),
  limit: z.coerce.number().int().min(1).max(maxTicketPage).default(20),
  cursor: cursorText.optional(),
});

interface Row extends Record<string, unknown> {
  id: string;
  subject: string;
  status: Ticket['status'];
  priority: Ticket['priority'];
  tier: Ticket['tier'];
  channel: Ticket['channel'];
  requester_email: string | null;
  requester_name: string | null;
  follows_ticket_id: string | null;
  created_at: Date;
  cursor_at: string;
  clocks: number;
  running: number;
  paused: number;
  breached: number;
  near_breach: number;
  missed: number;
  next_due: Date | null;
  at_risk_from: Date | null;
}

/**
 * A ticket's clocks summed up as stored, which says its SLA state at any moment (slaAt):
 * the SQL does not depend on the clock, so a page of tickets can be kept and judged again.
 */
export interface SlaFacts {
  clocks: number;
  running: number;
  paused: number;
  /** Running clocks the sweep has marked breached, and near breach. */
  breached: number;
  nearBreach: number;
  missed: number;
  /** The earliest due time of a running, unpaused clock (ms), and when the first of them is at risk. */
  nextDueMs: number | null;
  atRiskFromMs: number | null;
}

/** A page of tickets as stored, with their SLA facts; ticketPageAt judges them at a moment. */
export interface StoredTicketPage {
  tickets: (TicketView & { slaFacts: SlaFacts })[];
  nextCursor: string | null;
}

// Each ticket's clocks summed up; a running clock is neither met nor stopped. At risk: less
// than a fifth of the target left (12 s a target minute), as the sweep's near breach says.
const listSql = `
select t.id::text, t.subject, t.status, t.priority, t.tier, t.channel, t.requester_email, t.requester_name,
       t.follows_ticket_id::text, t.created_at,
       to_char(t.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at,
       s.clocks, s.running, s.paused, s.breached, s.near_breach, s.missed, s.next_due, s.at_risk_from
from support_tickets t
cross join lateral (
  select count(*)::int as clocks,
         (count(*) filter (where c.met_at is null and c.stopped_at is null))::int as running,
         (count(*) filter (where c.met_at is null and c.stopped_at is null and c.paused_since is not null))::int as paused,
         (count(*) filter (where c.met_at is null and c.stopped_at is null and c.breached_at is not null))::int as breached,
         (count(*) filter (where c.met_at is null and c.stopped_at is null and c.paused_since is null
                             and c.near_breach_at is not null))::int as near_breach,
         (count(*) filter (where c.breached_at is not null or c.met_at > c.due_at))::int as missed,
         min(c.due_at) filter (where c.met_at is null and c.stopped_at is null and c.paused_since is null) as next_due,
         min(c.due_at - c.target_minutes * interval '12 seconds')
           filter (where c.met_at is null and c.stopped_at is null and c.paused_since is null) as at_risk_from
  from support_sla_clocks c where c.ticket_id = t.id
) s
where t.customer_id = $1 and ($2::text is null or t.status = $2) and ($3::text is null or t.tier = $3)
  and ($4::timestamptz is null or (t.created_at, t.id) < ($4::timestamptz, $5::uuid))
order by t.created_at desc, t.id desc
limit $6`;

/**
 * A ticket's SLA state at `now` from its facts: breached once a running clock is marked
 * so or an unpaused one is past due; at risk once one is marked near breach or has less
 * than a fifth of its target left.
 */
function slaAt(f: SlaFacts, now: Date): ListedTicket['sla'] {
  const at = now.getTime();
  const due = f.nextDueMs === null ? null : new Date(f.nextDueMs).toISOString();
  if (f.running > 0) {
    if (f.breached > 0 || (f.nextDueMs !== null && f.nextDueMs <= at)) return { state: 'breached', dueAt: due };
    if (f.paused === f.running) return { state: 'paused', dueAt: null };
    const atRisk = f.nearBreach > 0 || (f.atRiskFromMs !== null && f.atRiskFromMs < at);
    return { state: atRisk ? 'at_risk' : 'on_track', dueAt: due };
  }
  if (f.missed > 0) return { state: 'missed', dueAt: null };
  return { state: f.clocks > 0 ? 'met' : 'none', dueAt: null };
}

const ms = (d: Date | null): number | null => (d === null ? null : new Date(d).getTime());

/** A stored page judged at `now`: each ticket with its SLA state then. */
export const ticketPageAt = (page: StoredTicketPage, now: Date): TicketPage => ({
  tickets: page.tickets.map(({ slaFacts, ...ticket }) => ({ ...ticket, sla: slaAt(slaFacts, now) })),
  nextCursor: page.nextCursor,
});

/**
 * The customer's own tickets as stored, newest first, a page at a time (`limit` 1–100,
 * default 20; `cursor` from the previous page), optionally of one `status` or `tier`, with
 * their SLA facts. A bad parameter is WOW_ERR_SUPPORT_INPUT.
 */
export async function readTicketPage(
  db: PgQueryable,
  customerId: string,
  params: Record<string, unknown>,
): Promise<StoredTicketPage> {
  const q = parseInput(query, params);
  const { rows } = await db.query<Row>(listSql, [
    customerId,
    q.status ?? null,
    q.tier ?? null,
    q.cursor?.at ?? null,
    q.cursor?.id ?? null,
    q.limit + 1,
  ]);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    tickets: page.map((r) => ({
      ...ticketView({
        id: r.id,
        subject: r.subject,
        status: r.status,
        priority: r.priority,
        tier: r.tier,
        topic: null,
        assignee: null,
        customerId,
        channel: r.channel,
        requester: { email: r.requester_email, name: r.requester_name },
        followsTicketId: r.follows_ticket_id,
        createdAt: new Date(r.created_at).toISOString(),
      }),
      slaFacts: {
        clocks: r.clocks,
        running: r.running,
        paused: r.paused,
        breached: r.breached,
        nearBreach: r.near_breach,
        missed: r.missed,
        nextDueMs: ms(r.next_due),
        atRiskFromMs: ms(r.at_risk_from),
      },
    })),
    nextCursor:
      rows.length > q.limit && last !== undefined
        ? Buffer.from(`${last.cursor_at}|${last.id}`, 'utf8').toString('base64url')
        : null,
  };
}

/** `GET /api/tickets`: readTicketPage, each ticket with its SLA state at `now`. */
export async function listTickets(
  db: PgQueryable,
  customerId: string,
  params: Record<string, unknown>,
  now: Date,
): Promise<TicketPage> {
  return ticketPageAt(await readTicketPage(db, customerId, params), now);
}
