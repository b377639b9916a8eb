import { hash } from 'node:crypto';
import type { CloudEvent } from '../../bus/envelope.ts';

/**
 * An envelope as its sender signs it: its members in the order given, `data` last, no
 * `signature`. The signer sends this object with the signature added after it, so what
 * goes on the wire is this text plus one member, whichever way a driver writes it (a
 * Redis entry as JSON.stringify writes it, or with a webhook's body spliced in as `data`,
 * which serializeEvent writes last).
 */
export function unsignedForm(event: CloudEvent): CloudEvent {
  const { signature: _signature, data, ...attributes } = event;
  return { ...attributes, data };
}

/**
 * The message's digest: SHA-256 (base64url) of the UTF-8 JSON of the envelope as sent,
 * signature left out: JSON.stringify of the envelope without its `signature` member,
 * members in the order received. JSON.stringify of what JSON.parse read back from
 * JSON.stringify is the same text, so this survives the bus's trips (a Redis stream, the
 * in-process broker) while costing one native serialization instead of RFC 8785's sort
 * and re-escape of every member. A member changed, added, removed or moved changes the
 * text, and the message is refused. Text out, not a Buffer: node allocates a Buffer for
 * each digest at twice the cost of the hash itself, and the proof lists digests as text.
 */
export function eventDigest(event: CloudEvent): string {
  const { signature: _signature, ...sent } = event;
  return unsignedDigest(sent);
}

/** eventDigest of an envelope known to hold no `signature` (unsignedForm's). */
export const unsignedDigest = (unsigned: CloudEvent): string => hash('sha256', JSON.stringify(unsigned), 'base64url');

/** What a batch's `dig` claim is: SHA-256 (base64url) of its digests as the proof lists them. */
export const digestOfList = (digests: string): string => hash('sha256', digests, 'base64url');
