import { z } from 'zod';
import type { HandlerContext } from '#platform';
import { findArchivedEvents } from '../archive/find-archived-events.ts';
import type { EventSettings } from '../event-settings.ts';

/**
 * An events.history request: what an agent (or any sender) sent lately, from the archive.
 * Each field bounded: a request comes from another agent, but is still input.
 */
export const historyRequest = z
  .object({
    /** The sending agent's id; its envelopes' source is `urn:wow:agent:<id>`. */
    agent: z
      .string()
      .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { error: 'expected an agent id, e.g. "wowsearch"' })
      .max(64)
      .optional(),
    /** A type, "<prefix>.*" or "*". */
    type: z.string().max(200).optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    limit: z.int().min(1).max(100).default(20),
  })
  .strict();
export type HistoryRequest = z.infer<typeof historyRequest>;

export interface HistoryEvent {
  id: string;
  type: string;
  source: string;
  subject: string | null;
  time: string;
  traceId: string;
  causedBy: string | null;
}

export interface HistoryReply {
  /** Newest first. */
  events: HistoryEvent[];
  /** How many days the archive keeps: an empty answer says nothing of what is older. */
  retentionDays: number;
}

export async function answerHistory(
  ctx: HandlerContext<EventSettings, unknown>,
  request: HistoryRequest,
): Promise<HistoryReply> {
  const events = await findArchivedEvents(ctx.store, {
    source: request.agent === undefined ? undefined : `urn:wow:agent:${request.agent}`,
    type: request.type,
    since: request.since === undefined ? undefined : new Date(request.since),
    limit: request.limit,
    order: 'newest',
  });
  return {
    events: events.map((e) => ({
      id: e.id,
      type: e.type,
      source: e.source,
      subject: e.subject,
      time: e.time.toISOString(),
      traceId: e.traceId,
      causedBy: e.causedBy,
    })),
    retentionDays: ctx.settings.retentionDays,
  };
}
