import { describe, expect, it } from 'vitest';
import { createEvent } from '../envelope.ts';
import { causedByHandling, handlingCause, runHandling } from '../handling-cause.ts';

const handled = createEvent({ type: 'support.ticket.opened', source: 'wow/support-intake', data: {} });
const traceId = (traceparent: string) => traceparent.split('-')[1];
const spanId = (traceparent: string) => traceparent.split('-')[2];
const written = () => createEvent({ type: 'support.message.outbound', source: 'wow/support-intake', data: {} });

describe('the handling cause of what a handler writes', () => {
  it('leaves an event written outside any handling as it is: a new trace, no cause', () => {
    const event = written();
    expect(causedByHandling(event)).toBe(event);
    expect(handlingCause()).toBeUndefined();
  });

  it('makes an event written while handling, naming no cause, a child span in the handled trace caused by it', async () => {
    const cause = { eventId: handled.id, traceparent: handled.traceparent, recorded: false };
    const event = await runHandling(cause, async () => {
      await Promise.resolve();
      return causedByHandling(written());
    });
    expect(event.causedby).toBe(handled.id);
    expect(traceId(event.traceparent)).toBe(traceId(handled.traceparent));
    expect(spanId(event.traceparent)).not.toBe(spanId(handled.traceparent));
  });

  it("takes a recorded span (tracing on) as the event's parent directly, and keeps a cause the event names", () => {
    const run = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const cause = { eventId: handled.id, traceparent: run, recorded: true };
    expect(runHandling(cause, () => causedByHandling(written()).traceparent)).toBe(run);
    const named = { ...written(), causedby: 'another-event' };
    expect(runHandling(cause, () => causedByHandling(named))).toBe(named);
  });

  it('keeps concurrent handlings apart', async () => {
    const other = createEvent({ type: 'support.message.received', source: 'wow/support-intake', data: {} });
    const causes = [handled, other].map((e) => ({ eventId: e.id, traceparent: e.traceparent, recorded: false }));
    const seen = await Promise.all(
      causes.map((cause, i) =>
        runHandling(cause, async () => {
          await new Promise((resolve) => setImmediate(resolve, i));
          return causedByHandling(written()).causedby;
        }),
      ),
    );
    expect(seen).toEqual([handled.id, other.id]);
  });
});
