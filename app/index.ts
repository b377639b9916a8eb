import type { ApplicationFunction } from 'probot';
import type { Bus } from '#platform';
import { publishDelivery, type QueuedDelivery } from './webhooks/publish-delivery.ts';

/**
 * The Probot app: every delivery Probot receives is written to the bus, once per delivery
 * id, and acked. No work runs here: agents take the event from the bus, at least once, and
 * act idempotently, so a slow or failing handler never holds GitHub's request.
 * `queued` tells the door what to answer (the payload is the object it gave Probot).
 */
export function wowApp(deps: {
  bus: Bus;
  dedupeTtlSeconds: number;
  queued: (payload: object, outcome: QueuedDelivery) => void;
}): ApplicationFunction {
  return (app) => {
    app.onAny(async (context) => {
      const payload = context.payload as Record<string, unknown>;
      deps.queued(
        payload,
        await publishDelivery(deps.bus, { name: context.name, id: context.id, payload }, deps.dedupeTtlSeconds),
      );
    });
  };
}
