import type { CloudEvent } from '#platform';

/** One event as the archive holds it. */
export interface ArchivedEvent {
  id: string;
  type: string;
  source: string;
  subject: string | null;
  time: Date;
  traceId: string;
  spanId: string;
  /** The id of the event whose handling sent this one, when its envelope said. */
  causedBy: string | null;
  /** Set on a request: its correlation id. */
  correlationId: string | null;
  /** The data, or a marker `{ truncated: true, bytes, preview }` when `dataTruncated`. */
  data: unknown;
  dataTruncated: boolean;
  /** The envelope's other attributes as published, signature left out. */
  envelope: Record<string, unknown>;
}

export type ArchiveRow = {
  event_id: string;
  event_type: string;
  source: string;
  subject: string | null;
  event_time: Date;
  trace_id: string;
  span_id: string;
  caused_by: string | null;
  correlation_id: string | null;
  data: unknown;
  data_truncated: boolean;
  envelope: Record<string, unknown>;
};

export const archiveColumns =
  'event_id, event_type, source, subject, event_time, trace_id, span_id, caused_by, correlation_id, data, data_truncated, envelope';

export function fromRow(r: ArchiveRow): ArchivedEvent {
  return {
    id: r.event_id,
    type: r.event_type,
    source: r.source,
    subject: r.subject,
    time: new Date(r.event_time),
    traceId: r.trace_id,
    spanId: r.span_id,
    causedBy: r.caused_by,
    correlationId: r.correlation_id,
    data: r.data,
    dataTruncated: r.data_truncated,
    envelope: r.envelope,
  };
}

/**
 * The envelope as its sender published it, to be sent again: only from complete data (a
 * truncated copy is not what was signed), with no signature (the bus signs it afresh). A
 * request goes without its reply address: whoever asked stopped waiting long ago, and a
 * reply would land in a stream nobody reads.
 */
export function envelopeOf(e: ArchivedEvent): CloudEvent {
  const { replyto: _replyto, correlationid: _correlationid, ...envelope } = e.envelope as Omit<CloudEvent, 'data'>;
  return { ...envelope, data: e.data };
}
