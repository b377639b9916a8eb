import { z } from 'zod';
import type { Bus, Logger, Store, SubscriptionHandle } from '#platform';
import { recordRequestIssue } from '#domains/customer';

/** One consumer group for every server process, so each event is recorded once. */
export const requestIssuesGroup = 'customer-agent-request-issues';

const opened = z.object({ requestId: z.uuid(), issue: z.number().int().min(1), url: z.url().max(500) });

/**
 * Records WowAgentFactory's factory.custom_request.opened on the request, so the customer's
 * page links its questionnaire issue. Only the Factory's own events count (the verified
 * source); any other agent declaring the type is ignored and logged.
 */
export function recordRequestIssues(opts: {
  bus: Bus;
  store: Store;
  log: Logger;
  clock: () => Date;
}): Promise<SubscriptionHandle> {
  return opts.bus.subscribe({
    group: requestIssuesGroup,
    types: ['factory.custom_request.opened'],
    answersRequests: false,
    async handler(event) {
      const data = opened.safeParse(event.data);
      if (event.source !== 'urn:wow:agent:factory' || !data.success) {
        opts.log.warn(
          { event: event.id, source: event.source.slice(0, 120) },
          'a custom request issue not from the Factory',
        );
        return;
      }
      await recordRequestIssue(opts.store, data.data, opts.clock());
    },
  });
}
