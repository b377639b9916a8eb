import { AsyncLocalStorage } from 'node:async_hooks';
import { childTraceparent, type CloudEvent } from './envelope.ts';

/**
 * The delivery an agent's handler is running for, as what it writes continues it: the
 * handled event's id (`causedby`) and the trace context of the run (`traceparent`).
 * `ctx.emit` is given it; code of a domain that writes the outbox itself (the support
 * desk's `support.message.outbound`) is not, so the host runs every handler inside it and
 * `enqueueOutbox` takes it from here: no outbox write made while handling a delivery can
 * forget the trace it belongs to.
 */
export interface HandlingCause {
  /** The id of the event being handled. */
  eventId: string;
  /** The run's trace context: its CONSUMER span's when tracing, else the handled event's. */
  traceparent: string;
  /** Whether `traceparent` names a recorded span (tracing on), which may then parent what is sent directly. */
  recorded: boolean;
}

const handling = new AsyncLocalStorage<HandlingCause>();

/** Runs `work` (a handler's run) as the handling of `cause`: what it writes to the outbox is caused by it. */
export function runHandling<T>(cause: HandlingCause, work: () => T): T {
  return handling.run(cause, work);
}

/** The delivery being handled where this is called, if any. */
export function handlingCause(): HandlingCause | undefined {
  return handling.getStore();
}

/**
 * `event` as the effect of the delivery being handled: an event that names no cause gets
 * the handled event's id as `causedby` and joins the run's trace (as a child span of it
 * when tracing does not record one). An event that names its cause, or one written
 * outside any handling (a door, a schedule, the CLI), is left as it is.
 */
export function causedByHandling<T>(event: CloudEvent<T>): CloudEvent<T> {
  const cause = handling.getStore();
  if (cause === undefined || event.causedby !== undefined) return event;
  const traceparent = cause.recorded ? cause.traceparent : childTraceparent(cause.traceparent);
  return { ...event, causedby: cause.eventId, traceparent };
}
