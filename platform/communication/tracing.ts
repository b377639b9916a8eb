import type { CloudEvent } from '../bus/envelope.ts';

/**
 * Spans for what agents do with messages, from the W3C `traceparent` every envelope
 * carries (OpenTelemetry messaging conventions): a handler's run is a CONSUMER span child
 * of its event's creation context; an emit is a PRODUCER span and a request a CLIENT span,
 * whose context becomes the envelope's `traceparent`, so the run it causes is its child.
 */
export interface Tracing {
  /** Whether spans are recorded and exported (OTEL_EXPORTER_OTLP_ENDPOINT). */
  readonly enabled: boolean;
  /**
   * Runs a handler of `group` for `event` in a CONSUMER span; `run` gets the trace context
   * what it sends continues (the span's when tracing, else the event's own).
   */
  process<T>(event: CloudEvent, group: string, run: (traceparent: string) => Promise<T>): Promise<T>;
  /**
   * Sends an event (`emit`) or a request in a PRODUCER or CLIENT span child of `parent`,
   * ending when `run` settles; `run` gets the `traceparent` its envelope must carry, or
   * undefined without tracing (the envelope then derives its own, as always).
   */
  send<T>(
    kind: 'emit' | 'request',
    type: string,
    parent: string | undefined,
    run: (traceparent: string | undefined) => Promise<T>,
  ): Promise<T>;
  /** Exports what is recorded and stops. */
  shutdown(): Promise<void>;
}

/** Without an endpoint: nothing is recorded, and no SDK is loaded. */
export const noTracing: Tracing = {
  enabled: false,
  process: (event, _group, run) => run(event.traceparent),
  send: (_kind, _type, _parent, run) => run(undefined),
  shutdown: () => Promise.resolve(),
};

/** The tracing of `settings` (config.otel): the OpenTelemetry SDK with an OTLP/HTTP exporter, imported only when configured. */
export async function openTracing(settings: { endpoint: string; serviceName: string } | undefined): Promise<Tracing> {
  if (settings === undefined) return noTracing;
  const { createOtelTracing } = await import('./otel-tracing.ts');
  return createOtelTracing(settings);
}
