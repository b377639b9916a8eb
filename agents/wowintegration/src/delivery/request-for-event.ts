import type { CloudEvent } from '#platform';
import type { ConnectorDelivery } from '../connectors/connector.ts';
import type { ApiRequest } from './send-request.ts';

/** The value at "data.ticketId" (or "id", "subject" …) of the event; null where there is none. */
function valueAt(event: CloudEvent, path: string): unknown {
  let value: unknown = event;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return null;
    value = (value as Record<string, unknown>)[part];
  }
  return value ?? null;
}

/** What the connector's API receives for the event: its declared fields, or the event as CloudEvents JSON. */
export function requestForEvent(delivery: ConnectorDelivery, event: CloudEvent): ApiRequest {
  const body =
    delivery.fields === undefined
      ? {
          specversion: '1.0',
          id: event.id,
          type: event.type,
          source: event.source,
          subject: event.subject,
          time: event.time,
          data: event.data,
        }
      : Object.fromEntries(Object.entries(delivery.fields).map(([field, path]) => [field, valueAt(event, path)]));
  return { method: delivery.method, path: delivery.path, body };
}
