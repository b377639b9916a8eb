import type { CloudEvent, PgQueryable } from '#platform';
import { readSql } from '#platform';

const insertSql = readSql(import.meta.url, 'insert-archived-event');

/** How much of data too large to archive whole is kept to read. */
const previewChars = 1024;

/**
 * The data as archived: whole up to `maxDataBytes` of JSON, else a marker with its size and
 * the start of its text. A string holding U+0000, which PostgreSQL's jsonb refuses, is
 * archived with U+FFFD instead and counted as truncated (it is no longer what was sent).
 */
export function boundData(data: unknown, maxDataBytes: number): { json: string; truncated: boolean } {
  const text = JSON.stringify(data ?? null);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxDataBytes)
    return {
      json: JSON.stringify({
        truncated: true,
        bytes,
        preview: text.slice(0, previewChars).replace(/\\u0000/g, '\\ufffd'),
      }),
      truncated: true,
    };
  if (text.includes('\\u0000')) return { json: text.replace(/\\u0000/g, '\\ufffd'), truncated: true };
  return { json: text, truncated: false };
}

/**
 * Writes one delivered event to the archive, once: a redelivery (or a replay, sent again
 * under its own id and time) finds its row and leaves it. Returns whether it was new.
 */
export async function archiveEvent(
  db: PgQueryable,
  event: CloudEvent,
  opts: { maxDataBytes: number },
): Promise<boolean> {
  const [, traceId = '', spanId = ''] = event.traceparent.split('-');
  const { data, signature: _signature, ...envelope } = event;
  const bounded = boundData(data, opts.maxDataBytes);
  const { rowCount } = await db.query(insertSql, [
    event.time,
    event.id,
    event.type,
    event.source,
    event.subject ?? null,
    traceId,
    spanId,
    event.causedby ?? null,
    event.correlationid ?? null,
    JSON.stringify(envelope),
    bounded.json,
    bounded.truncated,
  ]);
  return (rowCount ?? 0) > 0;
}
