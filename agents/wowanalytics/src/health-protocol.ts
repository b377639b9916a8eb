import { z } from 'zod';
import { defineProtocol } from '#platform';

const agentId = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { error: 'expected an agent id' })
  .max(64);
const signal = z.enum(['latency', 'errors']);

/** How an agent is doing now against its own baseline (incidents/judge-health.ts). */
const judgement = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('regressed'), signals: z.array(signal), summary: z.string() }),
  z.strictObject({ state: z.literal('healthy'), summary: z.string() }),
  z.strictObject({ state: z.literal('unknown'), why: z.string() }),
]);

/**
 * analytics.health.report: how each named agent is doing, as WowAnalytics judges it — now
 * against its own week, and the incident open for it, if any; with no agents named, every
 * agent with an incident open (L3's outage draft, for a ticket that names none). WowSupport
 * asks it instead of reading the health and incident tables itself.
 */
export const healthReportProtocol = defineProtocol({
  type: 'analytics.health.report',
  input: z.strictObject({ agents: z.array(agentId).min(1).max(50).optional() }),
  output: z.strictObject({
    agents: z.array(
      z.strictObject({
        id: agentId,
        judgement,
        incident: z
          .strictObject({
            openedAt: z.iso.datetime(),
            issueNumber: z.int().nullable(),
            signals: z.array(signal),
            /** The figures that opened or last kept it open, in words. */
            description: z.string(),
          })
          .nullable(),
      }),
    ),
  }),
});
