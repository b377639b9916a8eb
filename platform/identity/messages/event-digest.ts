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
  // As the signer hands it over, the signature is the last member: the text less it, and
  // no copy of the envelope made to leave it out.
  if (event.signature !== undefined) {
    const found = sentDigest(JSON.stringify(event), event.signature);
    if (found !== undefined) return found;
  }
  const { signature: _signature, ...sent } = event;
  return textDigest(JSON.stringify(sent));
}

/** The digest of an envelope's JSON as JSON.stringify wrote it without its `signature`. */
export const textDigest = (json: string): string => hash('sha256', json, 'base64url');

/**
 * eventDigest of a delivery read as `json`, found from the text rather than by serializing
 * the parsed envelope again: when `json` is a signer's text with `signature` added as its
 * last member (what JSON.stringify writes for the envelope the signer sends), the text
 * before that member is the one it hashed. Undefined when the text is not of that shape;
 * the caller then takes eventDigest. A digest found so that matches the signed one proves
 * the text is the signed text, and so the envelope parsed from it the signed envelope.
 */
export function sentDigest(json: string, signature: string): string | undefined {
  // Compared in place, nothing built (a signature is base64url, `.` and `~`: written as it
  // is). Only the digest proves anything: a text before the member that hashes to the
  // signed digest is the signed text, however the member was found.
  const cut = json.length - signature.length - signatureKey.length - 2;
  if (
    cut <= 0 ||
    !json.endsWith('"}') ||
    !json.startsWith(signature, cut + signatureKey.length) ||
    !json.startsWith(signatureKey, cut)
  )
    return undefined;
  return textDigest(`${json.slice(0, cut)}}`);
}

const signatureKey = ',"signature":"';

/** The signed envelope's JSON from its unsigned JSON: what JSON.stringify writes with `signature` added last. */
export const withSignature = (unsignedJson: string, signature: string): string =>
  `${unsignedJson.slice(0, -1)}${lastMember(signature)}`;

const lastMember = (signature: string) => `,"signature":${JSON.stringify(signature)}}`;

/** What a batch's `dig` claim is: SHA-256 (base64url) of its digests as the proof lists them. */
export const digestOfList = (digests: string): string => hash('sha256', digests, 'base64url');
