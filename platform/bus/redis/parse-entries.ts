import { assertEventValid } from '../envelope.ts';
import type { RawDelivery } from '../consumer/consumer-port.ts';
import { entryFields } from './keys.ts';

/** A stream entry as RESP2 returns it: [id, [field, value, …]]. */
export type StreamEntry = [id: string, fields: string[]];

export function fieldsOf(fields: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? '', fields[i + 1] ?? '');
  return map;
}

/** A delivery from a stream entry; null for an entry that is not an envelope (it is acked away). */
export function parseEntry(topic: string, [entryId, raw]: StreamEntry, deliveryCount: number): RawDelivery | null {
  const fields = fieldsOf(raw);
  const json = fields.get(entryFields.event);
  if (json === undefined) return null;
  try {
    return {
      entryId,
      publishedAt: Number(entryId.slice(0, entryId.indexOf('-'))),
      topic,
      event: assertEventValid(JSON.parse(json)),
      deliveryCount,
      onlyGroup: fields.get(entryFields.onlyGroup),
      prev: fields.get(entryFields.prev),
    };
  } catch {
    return null;
  }
}
