import { assertEventValid } from '../envelope.ts';
import type { RawDelivery } from '../consumer/consumer-port.ts';
import { entryFields } from './keys.ts';

/** A stream entry as RESP2 returns it: [id, [field, value, …]]. */
export type StreamEntry = [id: string, fields: string[]];

/** Farthest a batch's proof may be from one of its entries: a batch holds at most 1,024 envelopes. */
const maxToProof = 1024;

export function fieldsOf(fields: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? '', fields[i + 1] ?? '');
  return map;
}

/**
 * What a stream entry holds: a delivery (with, for an envelope of a signed batch, how many
 * entries on at most its batch's proof is, undefined when it says none or a distance out
 * of bounds; and, for a batch's first envelope, the proof it carries too), a batch's proof,
 * or neither (null: it is acked away).
 */
export type ParsedEntry =
  | { delivery: RawDelivery; toProof: number | undefined; head: string | undefined; proof?: undefined }
  | { proof: string; delivery?: undefined };

export function parseStreamEntry(topic: string, entry: StreamEntry, deliveryCount: number): ParsedEntry | null {
  const fields = fieldsOf(entry[1]);
  const proof = fields.get(entryFields.proof);
  if (proof !== undefined && !fields.has(entryFields.event)) return { proof };
  const delivery = toDelivery(topic, entry[0], fields, deliveryCount);
  if (delivery === null) return null;
  const to = fields.get(entryFields.toProof);
  if (to === undefined) return { delivery, toProof: undefined, head: undefined };
  // A distance out of bounds finds no proof: the guard refuses the envelope, visibly.
  const toProof = Number(to);
  const valid = Number.isSafeInteger(toProof) && toProof >= 1 && toProof <= maxToProof;
  return valid ? { delivery, toProof, head: proof } : { delivery, toProof: undefined, head: undefined };
}

/** A delivery from a stream entry; null for an entry that is not an envelope (a proof, or foreign). */
export function parseEntry(topic: string, [entryId, raw]: StreamEntry, deliveryCount: number): RawDelivery | null {
  return toDelivery(topic, entryId, fieldsOf(raw), deliveryCount);
}

function toDelivery(topic: string, entryId: string, fields: Map<string, string>, deliveryCount: number) {
  const json = fields.get(entryFields.event);
  if (json === undefined) return null;
  try {
    return {
      entryId,
      publishedAt: Number(entryId.slice(0, entryId.indexOf('-'))),
      topic,
      event: assertEventValid(JSON.parse(json)),
      json,
      deliveryCount,
      onlyGroup: fields.get(entryFields.onlyGroup),
      prev: fields.get(entryFields.prev),
    } satisfies RawDelivery;
  } catch {
    return null;
  }
}
