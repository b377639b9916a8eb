import type { Bus, Store, SubscriptionHandle } from '#platform';
import { figureEventTypes, recordFigureEvent } from './record-figure-event.ts';

/** The figures' consumer group: one for every process that projects them, each event to one of them. */
export const figuresGroup = 'customer-figures';

/**
 * Keeps the figures up to date from the bus: every server process subscribes, and each
 * event is handled by one of them, at least once (recordFigureEvent is idempotent). A
 * group made now reads the streams from their oldest entry still held, so a first deploy
 * counts the work done before it.
 */
export function projectFigures(opts: { bus: Bus; store: Store; consumer: string }): Promise<SubscriptionHandle> {
  return opts.bus.subscribe({
    group: figuresGroup,
    consumer: opts.consumer,
    types: figureEventTypes,
    handler: async (event) => {
      await recordFigureEvent(opts.store, event);
    },
    // It only reads what agents and the billing report; the answer to a request is theirs to give.
    answersRequests: false,
    fromStart: true,
  });
}
