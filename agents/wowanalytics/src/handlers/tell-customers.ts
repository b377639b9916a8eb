import { z } from 'zod';
import type { HandlerContext } from '#platform';
import type { AnalyticsSettings, AnalyticsState } from '../analytics-settings.ts';
import { sendIncidentNotices } from '../incidents/send-incident-notices.ts';

/** What support.incident.opened and support.incident.resolved carry that the notices need: the incident. */
export const incidentEvent = z.object({ incidentId: z.uuid() });

/**
 * Tells the customers an incident affects, from its event: the look that wrote the incident
 * may go on to fail (GitHub refusing its issue, another agent's judgement), and their notice
 * does not wait for a look to succeed. A notice the look sent first is claimed, so none goes
 * twice; one the customer's endpoint refused is tried again on later looks.
 */
export async function tellCustomers(
  ctx: HandlerContext<AnalyticsSettings, AnalyticsState>,
  data: z.output<typeof incidentEvent>,
): Promise<{ sent: number }> {
  return {
    sent: await sendIncidentNotices(ctx.store, ctx.state.send, ctx.clock(), ctx.log, { incidentId: data.incidentId }),
  };
}
