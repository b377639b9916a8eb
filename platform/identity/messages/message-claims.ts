import type { Subject } from '../did/did-web.ts';

/** The JWS header `typ` of a signed batch of messages: no other kind of token passes for one. */
export const messageTyp = 'wow-events+jwt';

/** Longest life a message's signature may claim (`exp` − `iat`). */
export const maxMessageTtlSeconds = 300;

/** Most messages one signature covers: a proof of at most 1,024 digests (45 KiB). */
export const maxBatchSize = 1024;

/** Longest JWS a message's proof may hold: a batch's header and payload are a few hundred characters. */
export const maxJwsLength = 4096;

/** Longest proof: the JWS, `~`, and a digest of 43 characters and its `.` per message. */
export const maxProofLength = maxJwsLength + 1 + maxBatchSize * 44;

/**
 * What a batch's JWT carries beside `iss`, `aud`, `iat` and `exp`: one signature for the
 * messages one sender published together to one topic (sign-message.ts).
 */
export interface MessageClaims {
  /** The envelopes' `source`: who sent them. */
  sub: string;
  /** SHA-256 (base64url) of the batch's digests as the proof lists them (`<digest>.<digest>…`). */
  dig: string;
  /** How many messages the batch holds. */
  cnt: number;
}

/**
 * A batch's proof: its compact JWS and the digest of each of its messages (event-digest.ts),
 * in order: `<jws>~<digest>.<digest>…`. Whoever holds the proof can check any message of
 * the batch alone: the JWS signs `dig`, the hash of the list, and the message's digest must
 * be the list's at its index.
 */
export interface BatchProof {
  jws: string;
  /** The digests as listed, joined by `.` (what `dig` hashes). */
  digests: string;
}

/**
 * A message's `signature`, in one of two forms:
 * - carrying its proof: `<jws>~<digests>~<index>`, checkable with nothing else (a lone
 *   message, a redriven one, whatever is signed with `sign`);
 * - naming it: `<dig>~<index>`, the proof carried beside the envelope by the bus, once per
 *   batch (a Redis stream holds it in an entry after the batch's messages; the in-process
 *   bus hands the same string to each delivery).
 */
export type MessageSignature =
  | { proof: BatchProof; text: string; index: number; dig?: undefined }
  | { dig: string; index: number; proof?: undefined; text?: undefined };

export const formatProof = (p: BatchProof): string => `${p.jws}~${p.digests}`;

/** `~` never occurs in base64url or in a compact JWS. */
export const carryingProof = (proof: string, index: number): string => `${proof}~${index}`;
export const namingProof = (dig: string, index: number): string => `${dig}~${index}`;

const digest = /^[\w-]{43}$/;
// The form a sealed batch's every message has, tested at once.
const naming = /^[\w-]{43}~(?:0|[1-9]\d{0,3})$/;
const digestList = /^[\w-]{43}(?:\.[\w-]{43})*$/;
const indexText = /^(0|[1-9]\d{0,3})$/;

/** Undefined when `proof` is not `<jws>~<digests>` within the bounds above. */
export function parseProof(proof: string): BatchProof | undefined {
  if (proof.length > maxProofLength) return undefined;
  const cut = proof.indexOf('~');
  if (cut <= 0 || cut > maxJwsLength) return undefined;
  const digests = proof.slice(cut + 1);
  // One test of the whole list, not one per digest.
  if (!digestList.test(digests)) return undefined;
  return { jws: proof.slice(0, cut), digests };
}

/** Undefined when `signature` is of neither form. */
export function parseSignature(signature: string): MessageSignature | undefined {
  if (signature.length <= 48 && naming.test(signature))
    return { dig: signature.slice(0, 43), index: Number(signature.slice(44)) };
  const cut = signature.lastIndexOf('~');
  const index = signature.slice(cut + 1);
  if (cut <= 0 || !indexText.test(index)) return undefined;
  const head = signature.slice(0, cut);
  if (digest.test(head)) return { dig: head, index: Number(index) };
  const proof = parseProof(head);
  return proof === undefined ? undefined : { proof, text: head, index: Number(index) };
}

const agentSource = /^urn:wow:agent:([a-z][a-z0-9]*(?:-[a-z0-9]+)*)$/;

/**
 * Whose key signs what a source sends: an agent's envelopes (`urn:wow:agent:<id>`) its own;
 * everything the platform sends itself (its doors, deploys, tools) the platform's.
 */
export function signerOf(source: string): Subject {
  return agentSource.exec(source)?.[1] ?? 'platform';
}
