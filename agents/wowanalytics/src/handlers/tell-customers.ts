import { z } from 'zod';
import type { HandlerContext } from '#platform';
import type { AnalyticsSettings, AnalyticsState } from '../analytics-settings.ts';
import { sendIncidentNotices } from '../incidents/send-incident-notices.ts';

/** What support.incident.opened and support.incident.resolved carry that the notices need: the incident. */
export const incidentEvent = z.object({ incidentId: z.uuid() });

/**
 * Tells the customers an incident affects, from its event. The look that wrote the incident
 * sends its notices last, after the incident's issue and every other agent's judgement; if
 * one of those fails (GitHub refusing the issue), the notice need not wait for the next
 * look. Each notice is claimed before it is sent, so the look and this handler never both
 * send it; one the customer's endpoint refused is tried again on later looks.
 */
export async function tellCustomers(
  ctx: HandlerContext<AnalyticsSettings, AnalyticsState>,
  data: z.output<typeof incidentEvent>,
): Promise<{ sent: number }> {
  return {
    sent: await sendIncidentNotices(ctx.store, ctx.state.send, ctx.clock(), ctx.log, { incidentId: data.incidentId }),
  };
}
