import { z } from 'zod';
import { defineProtocol } from '#platform';

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

const historyEvent = z.strictObject({
  id: z.string(),
  type: z.string(),
  source: z.string(),
  subject: z.string().nullable(),
  time: z.string(),
  traceId: z.string(),
  causedBy: z.string().nullable(),
});
export type HistoryEvent = z.infer<typeof historyEvent>;

const historyReply = z.strictObject({
  /** Newest first. */
  events: z.array(historyEvent),
  /** How many days the archive keeps: an empty answer says nothing of what is older. */
  retentionDays: z.int(),
});
export type HistoryReply = z.infer<typeof historyReply>;

/** events.history: any agent asks WowEvent what an agent (or any sender) sent lately. The contract both sides check. */
export const historyProtocol = defineProtocol({ type: 'events.history', input: historyRequest, output: historyReply });
