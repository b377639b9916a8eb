import { typeMatches, type Bus, type MessageGuard, type PgQueryable } from '#platform';
import { envelopeOf, type ArchivedEvent } from '../archive/archived-event.ts';
import { findArchivedEvents, maxArchiveRows } from '../archive/find-archived-events.ts';
import { createError } from '../errors.ts';

export interface ReplayOptions {
  db: PgQueryable;
  bus: Pick<Bus, 'publish'>;
  /** The bus's guard when it signs (BUS_SIGNING): the target's group is told to accept each id once more. */
  guard: Pick<MessageGuard, 'readmit'> | undefined;
  /** The agent whose consumer group alone gets the events. */
  to: string;
  /** What the agent wakes on (its manifest): an event it would skip is not sent. */
  wakesOn: readonly string[];
  /** A type, "<prefix>.*" or "*". */
  type: string;
  since: Date;
  until?: Date | undefined;
  dryRun: boolean;
  /** At most this many events, oldest first. Default and ceiling 10,000. */
  limit?: number | undefined;
  /**
   * Agents suspended or revoked now: what they sent is not sent again (their signature
   * would be refused, and rightly). Default: nobody.
   */
  halted?: ReadonlySet<string> | undefined;
}

export interface ReplayedEvent {
  id: string;
  type: string;
  source: string;
  time: string;
}

export interface ReplayReport {
  to: string;
  dryRun: boolean;
  /** Sent (or, in a dry run, to be sent), oldest first. */
  sent: ReplayedEvent[];
  skipped: (ReplayedEvent & { reason: string })[];
}

const agentSource = /^urn:wow:agent:([a-z][a-z0-9]*(?:-[a-z0-9]+)*)$/;

/**
 * Why an archived event cannot be sent again as it was, or undefined when it can. It goes
 * out as its sender signed it (same id, source, data, trace), signed afresh under the
 * sender's key by the bus, as a dead letter's redrive is: never as someone else, never
 * changed. So a truncated copy is not sent, nor what a halted agent sent.
 */
function whyNot(e: ArchivedEvent, opts: ReplayOptions): string | undefined {
  if (!opts.wakesOn.some((w) => typeMatches(w, e.type))) return `${opts.to} does not wake on ${e.type}`;
  if (e.dataTruncated)
    return 'its data was archived truncated (larger than WOWEVENT_MAX_DATA_BYTES), so it is not what its sender signed';
  const sender = agentSource.exec(e.source)?.[1];
  if (sender !== undefined && opts.halted?.has(sender) === true)
    return `its sender ${sender} is suspended or revoked, so its signature would be refused`;
  return undefined;
}

/**
 * Sends archived events again to one agent's consumer group only (the bus's `onlyGroup`,
 * as a redrive does): other agents, and WowEvent's own archive, skip them. The agent's
 * effects stay idempotent through `ctx.once`, keyed by the event id, which a replay keeps;
 * an event it never saw runs its handler for the first time. A dry run lists without sending.
 */
export async function replayEvents(opts: ReplayOptions): Promise<ReplayReport> {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(opts.to))
    throw createError('WOW_ERR_REPLAY_TARGET', {
      agent: opts.to.slice(0, 80),
      problem: 'expected an agent id, e.g. "wowsupport"',
    });
  if (opts.wakesOn.length === 0)
    throw createError('WOW_ERR_REPLAY_TARGET', {
      agent: opts.to,
      problem: 'it wakes on nothing, so nothing can be replayed to it',
    });
  const events = await findArchivedEvents(opts.db, {
    type: opts.type,
    since: opts.since,
    until: opts.until,
    limit: Math.min(opts.limit ?? maxArchiveRows, maxArchiveRows),
    order: 'oldest',
  });
  const report: ReplayReport = { to: opts.to, dryRun: opts.dryRun, sent: [], skipped: [] };
  for (const e of events) {
    const listed = { id: e.id, type: e.type, source: e.source, time: e.time.toISOString() };
    const reason = whyNot(e, opts);
    if (reason !== undefined) {
      report.skipped.push({ ...listed, reason });
      continue;
    }
    if (!opts.dryRun) {
      // Its id accepted once more by the group, which may have handled it already.
      await opts.guard?.readmit(opts.to, e.id);
      await opts.bus.publish(envelopeOf(e), { onlyGroup: opts.to });
    }
    report.sent.push(listed);
  }
  return report;
}
