import type { ApplicationFunction } from 'probot';
import type { Bus } from '#platform';
import { publishDelivery, type QueuedDelivery } from './webhooks/publish-delivery.ts';

/**
 * The Probot app: every delivery Probot receives is written to the bus, once per delivery
 * id, and acked. No work runs here: agents take the event from the bus, at least once, and
 * act idempotently, so a slow or failing handler never holds GitHub's request.
 * `queued` tells the door what to answer, and `payloadJson` gives the payload's text as
 * received (the payload is the object the door gave Probot).
 */
export function wowApp(deps: {
  bus: Bus;
  dedupeTtlSeconds: number;
  /** The JSON text a payload was parsed from, when the door has it: published as is, not serialized again. */
  payloadJson?: (payload: object) => string | undefined;
  queued: (payload: object, outcome: QueuedDelivery) => void;
}): ApplicationFunction {
  return (app) => {
    app.onAny(async (context) => {
      const payload = context.payload as Record<string, unknown>;
      const delivery = { name: context.name, id: context.id, payload, payloadJson: deps.payloadJson?.(payload) };
      deps.queued(payload, await publishDelivery(deps.bus, delivery, deps.dedupeTtlSeconds));
    });
  };
}
