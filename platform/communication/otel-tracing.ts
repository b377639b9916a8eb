import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { CloudEvent } from '../bus/envelope.ts';
import type { Tracing } from './tracing.ts';

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The remote context an envelope's `traceparent` names; the root when it names none. */
function contextOf(traceparent: string | undefined): Context {
  const m = traceparent === undefined ? null : traceparentPattern.exec(traceparent);
  if (m === null) return ROOT_CONTEXT;
  const spanContext: SpanContext = {
    traceId: m[1] ?? '',
    spanId: m[2] ?? '',
    traceFlags: Number.parseInt(m[3] ?? '01', 16),
    isRemote: true,
  };
  return trace.setSpanContext(ROOT_CONTEXT, spanContext);
}

const traceparentOf = (span: Span): string => {
  const c = span.spanContext();
  return `00-${c.traceId}-${c.spanId}-${c.traceFlags.toString(16).padStart(2, '0')}`;
};

/** Runs `run` in `span`, recording its error, and ends the span however it settles. */
async function within<T>(span: Span, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

/**
 * The OpenTelemetry SDK's tracer, exporting in batches to `<endpoint>/v1/traces` over
 * OTLP/HTTP (JSON). Contexts are passed explicitly from envelope to span and back, so no
 * global context manager or async hooks are installed.
 */
export function createOtelTracing(settings: { endpoint: string; serviceName: string }): Tracing {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${settings.endpoint.replace(/\/+$/, '')}/v1/traces` }),
      }),
    ],
  });
  const tracer = provider.getTracer('waooaw');
  return {
    enabled: true,
    process(event: CloudEvent, group, run) {
      const span = tracer.startSpan(
        `process ${event.type}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'wow',
            'messaging.operation.type': 'process',
            'messaging.destination.name': event.type,
            'messaging.message.id': event.id,
            'messaging.consumer.group.name': group,
          },
        },
        contextOf(event.traceparent),
      );
      return within(span, () => run(traceparentOf(span)));
    },
    send(kind, type, parent, run) {
      const span = tracer.startSpan(
        `${kind === 'emit' ? 'send' : 'request'} ${type}`,
        {
          kind: kind === 'emit' ? SpanKind.PRODUCER : SpanKind.CLIENT,
          attributes: {
            'messaging.system': 'wow',
            'messaging.operation.type': kind === 'emit' ? 'send' : 'request',
            'messaging.destination.name': type,
          },
        },
        contextOf(parent),
      );
      return within(span, () => run(traceparentOf(span)));
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}
