import type { Subject } from '../did/did-web.ts';

/** The JWS header `typ` of a signed batch of messages: no other kind of token passes for one. */
export const messageTyp = 'wow-events+jwt';

/** Longest life a message's signature may claim (`exp` − `iat`). */
export const maxMessageTtlSeconds = 300;

/** Most messages one signature covers: an audit path of at most ten hashes. */
export const maxBatchSize = 1024;

/**
 * What a batch's JWT carries beside `iss`, `aud`, `iat` and `exp`: one signature for the
 * messages one sender published together (merkle-batch.ts).
 */
export interface MessageClaims {
  /** The envelopes' `source`: who sent them. */
  sub: string;
  /** The Merkle root (base64url) over the batch's eventDigest()s, in order. */
  mrk: string;
  /** How many messages the batch holds. */
  cnt: number;
}

/**
 * A message's `signature`: the batch's compact JWS, the message's place in the batch and
 * its audit path (base64url hashes), joined by `~` (which base64url never holds):
 * `<jws>~<index>~<hash>.<hash>…`.
 */
export interface BatchSignature {
  jws: string;
  index: number;
  path: string[];
}

export const formatSignature = (s: BatchSignature): string => `${s.jws}~${s.index}~${s.path.join('.')}`;

const auditPath = /^[\w-]{43}(?:\.[\w-]{43})*$/;

/** Undefined when `signature` is not of that form. */
export function parseSignature(signature: string): BatchSignature | undefined {
  const parts = signature.split('~');
  if (parts.length !== 3) return undefined;
  const [jws = '', index = '', path = ''] = parts;
  if (!/^(0|[1-9]\d{0,5})$/.test(index)) return undefined;
  if (path === '') return { jws, index: Number(index), path: [] };
  // One test of the whole path, not one per hash: this runs for every delivery.
  if (!auditPath.test(path)) return undefined;
  return { jws, index: Number(index), path: path.split('.') };
}

const agentSource = /^urn:wow:agent:([a-z][a-z0-9]*(?:-[a-z0-9]+)*)$/;

/**
 * Whose key signs what a source sends: an agent's envelopes (`urn:wow:agent:<id>`) its own;
 * everything the platform sends itself (its doors, deploys, tools) the platform's.
 */
export function signerOf(source: string): Subject {
  return agentSource.exec(source)?.[1] ?? 'platform';
}
