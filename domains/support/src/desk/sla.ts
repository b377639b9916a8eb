import { createEvent, enqueueOutbox, readSql, type PgQueryable, type Store } from '#platform';
import { slaPaused, type TicketStatus } from './ticket-status.ts';
import type { Priority, Tier } from './tickets.ts';

const sql = {
  now: readSql(import.meta.url, 'select-now'),
  start: readSql(import.meta.url, 'start-sla-clocks'),
  startNext: readSql(import.meta.url, 'start-next-response'),
  meetResponses: readSql(import.meta.url, 'meet-sla-responses'),
  pause: readSql(import.meta.url, 'pause-sla-clocks'),
  resume: readSql(import.meta.url, 'resume-sla-clocks'),
  meetResolution: readSql(import.meta.url, 'meet-sla-resolution'),
  reopenResolution: readSql(import.meta.url, 'reopen-sla-resolution'),
  stop: readSql(import.meta.url, 'stop-sla-clocks'),
  retarget: readSql(import.meta.url, 'retarget-sla-clocks'),
  breach: readSql(import.meta.url, 'breach-sla-clocks'),
  warn: readSql(import.meta.url, 'warn-sla-clocks'),
  select: readSql(import.meta.url, 'select-sla-clocks'),
};

export type SlaClockKind = 'first_response' | 'next_response' | 'resolution';

export interface SlaClock {
  id: string;
  kind: SlaClockKind;
  targetMinutes: number;
  startedAt: string;
  /** When it is due, counting the pauses so far; a paused clock's due time moves on when it resumes. */
  dueAt: string;
  pausedSince: string | null;
  pausedSeconds: number;
  metAt: string | null;
  breachedAt: string | null;
  nearBreachAt: string | null;
  stoppedAt: string | null;
}

/** What `support.sla.breached` and `support.sla.near_breach` carry. */
export interface SlaAlert {
  ticketId: string;
  clockId: string;
  clock: SlaClockKind;
  priority: Priority;
  tier: Tier;
  targetMinutes: number;
  dueAt: string;
}

/** The desk's service-level events: published by whichever process sweeps the clocks. */
export const slaSource = 'wow/support-sla';

/**
 * What happened to a ticket, as its clocks see it: `from` undefined when it was opened;
 * `message` when the customer wrote (`customer`) or the desk answered them in public
 * (`public_reply`; internal notes and drafts are not answers). `at` undefined: the
 * database's now, as the ticket's own rows are timed.
 */
export interface SlaChange {
  from: TicketStatus | undefined;
  to: TicketStatus;
  message?: 'customer' | 'public_reply' | undefined;
  at?: Date | undefined;
}

/**
 * Moves a ticket's clocks for one change, in the caller's transaction: (1) an opened
 * ticket starts its first-response and resolution clocks; (2) a public reply meets the
 * first or next response waiting; (3) a status change pauses the clocks (pending the
 * customer, on hold), resumes them with their due times moved on by the pause, meets the
 * resolution on solve (reply clocks still waiting stop applying), runs it again on reopen,
 * and stops everything on close; (4) a customer's message then starts a next response,
 * paused at once if the ticket is.
 */
export async function trackSla(tx: PgQueryable, ticketId: string, change: SlaChange): Promise<void> {
  const at = change.at ?? (await tx.query<{ now: Date }>(sql.now)).rows[0]?.now ?? new Date();
  const { from, to } = change;
  if (from === undefined) {
    await tx.query(sql.start, [ticketId, at]);
    if (slaPaused(to)) await tx.query(sql.pause, [ticketId, at]);
    return;
  }
  if (change.message === 'public_reply') await tx.query(sql.meetResponses, [ticketId, at]);
  if (from !== to) {
    if (slaPaused(from) && !slaPaused(to)) await tx.query(sql.resume, [ticketId, at]);
    if (to === 'solved') await tx.query(sql.meetResolution, [ticketId, at]);
    if (from === 'solved' && to !== 'closed') await tx.query(sql.reopenResolution, [ticketId, at]);
    if (!slaPaused(from) && slaPaused(to)) await tx.query(sql.pause, [ticketId, at]);
    if (to === 'closed') await tx.query(sql.stop, [ticketId, at]);
  }
  if (change.message === 'customer' && to !== 'closed') await tx.query(sql.startNext, [ticketId, at, slaPaused(to)]);
}

/** A new priority: the running clocks take its targets, counted from when each started (Zendesk re-applies its policy too). */
export async function retargetSla(tx: PgQueryable, ticketId: string): Promise<void> {
  await tx.query(sql.retarget, [ticketId]);
}

export interface SweepOptions {
  /** A clock with less than this share of its target left is near breach (default 0.2). */
  nearBreachShare?: number;
  /** At most this many of each per sweep; the next sweep takes the rest (default 500). */
  limit?: number;
}

/**
 * Finds the clocks past due and unmet, and those near breach, as of `now`; marks each
 * once and publishes `support.sla.breached` or `support.sla.near_breach` through the
 * outbox in the same transaction. Sweeps running at once never report a clock twice: the
 * marks are row-locked updates of clocks not yet marked.
 */
export async function sweepSla(
  store: Store,
  now: Date,
  opts: SweepOptions = {},
): Promise<{ breached: SlaAlert[]; nearBreach: SlaAlert[] }> {
  const limit = opts.limit ?? 500;
  return store.transaction(async (tx) => {
    const breached = (await tx.query<AlertRow>(sql.breach, [now, limit])).rows.map(toAlert);
    const nearBreach = (await tx.query<AlertRow>(sql.warn, [now, opts.nearBreachShare ?? 0.2, limit])).rows.map(
      toAlert,
    );
    for (const [type, alerts] of [
      ['support.sla.breached', breached],
      ['support.sla.near_breach', nearBreach],
    ] as const) {
      for (const alert of alerts)
        await enqueueOutbox(
          tx,
          createEvent({ source: slaSource, type, subject: alert.ticketId, partitionkey: alert.ticketId, data: alert }),
        );
    }
    return { breached, nearBreach };
  });
}

export async function slaClocks(db: PgQueryable, ticketId: string): Promise<SlaClock[]> {
  const { rows } = await db.query<{
    id: string;
    kind: SlaClockKind;
    target_minutes: number;
    started_at: Date;
    due_at: Date;
    paused_since: Date | null;
    paused_seconds: number;
    met_at: Date | null;
    breached_at: Date | null;
    near_breach_at: Date | null;
    stopped_at: Date | null;
  }>(sql.select, [ticketId]);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    targetMinutes: r.target_minutes,
    startedAt: iso(r.started_at),
    dueAt: iso(r.due_at),
    pausedSince: isoOrNull(r.paused_since),
    pausedSeconds: r.paused_seconds,
    metAt: isoOrNull(r.met_at),
    breachedAt: isoOrNull(r.breached_at),
    nearBreachAt: isoOrNull(r.near_breach_at),
    stoppedAt: isoOrNull(r.stopped_at),
  }));
}

interface AlertRow extends Record<string, unknown> {
  id: string;
  ticket_id: string;
  kind: SlaClockKind;
  target_minutes: number;
  due_at: Date;
  priority: Priority;
  tier: Tier;
}

const toAlert = (r: AlertRow): SlaAlert => ({
  ticketId: r.ticket_id,
  clockId: r.id,
  clock: r.kind,
  priority: r.priority,
  tier: r.tier,
  targetMinutes: r.target_minutes,
  dueAt: iso(r.due_at),
});
const iso = (d: Date) => new Date(d).toISOString();
const isoOrNull = (d: Date | null) => (d === null ? null : iso(d));
