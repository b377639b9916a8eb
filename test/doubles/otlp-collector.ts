import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A span as the collector received it (OTLP/JSON: ids in hex, `kind` the SpanKind number, 5 CONSUMER … 3 CLIENT). */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  kind: number;
  service: string | undefined;
  attributes: Record<string, unknown>;
}

export interface OtlpCollector {
  /** The base endpoint, as OTEL_EXPORTER_OTLP_ENDPOINT names it (the exporter appends /v1/traces). */
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  close(): Promise<void>;
}

const hex = (n: number) => new RegExp(`^[0-9a-f]{${n}}$`);
type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type KeyValue = { key: string; value: AnyValue };
const valueOf = (v: AnyValue) => v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;

/**
 * A double of an OpenTelemetry collector's OTLP/HTTP trace receiver: `POST /v1/traces`
 * with an ExportTraceServiceRequest in the OTLP JSON encoding (opentelemetry-proto's
 * trace.proto as the OTLP specification maps it to JSON: hex trace and span ids, enums as
 * numbers), gzip or not. It answers 200 with an empty ExportTraceServiceResponse, 415 to
 * another encoding and 400 to a body that is not such a request, as the specification says.
 */
export async function startOtlpCollector(): Promise<OtlpCollector> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') return void res.writeHead(404).end();
      if (!req.headers['content-type']?.startsWith('application/json')) return void res.writeHead(415).end();
      try {
        const raw = Buffer.concat(chunks);
        const body = JSON.parse(
          (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'),
        ) as {
          resourceSpans: {
            resource?: { attributes?: KeyValue[] };
            scopeSpans: { spans: (Omit<ReceivedSpan, 'service' | 'attributes'> & { attributes?: KeyValue[] })[] }[];
          }[];
        };
        for (const rs of body.resourceSpans) {
          const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue;
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans) {
              if (
                !hex(32).test(s.traceId) ||
                !hex(16).test(s.spanId) ||
                !(s.parentSpanId === undefined || s.parentSpanId === '' || hex(16).test(s.parentSpanId))
              )
                throw new Error(`span ${s.name} has malformed ids`);
              spans.push({
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId ?? '',
                name: s.name,
                kind: s.kind,
                service,
                attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
              });
            }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (err) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(err) }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
