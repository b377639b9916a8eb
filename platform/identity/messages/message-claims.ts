import type { Subject } from '../did/did-web.ts';

/** The JWS header `typ` of a signed message: no other kind of token passes for one. */
export const messageTyp = 'wow-event+jwt';

/** Longest life a message's signature may claim (`exp` − `iat`). */
export const maxMessageTtlSeconds = 300;

/** What a message's JWT carries beside `iss`, `aud`, `iat` and `exp`. */
export interface MessageClaims {
  /** The envelope's `source`: who sent it. */
  sub: string;
  /** The envelope's `id`: each id is accepted once per consumer group. */
  jti: string;
  /** The envelope's `type`. */
  evt: string;
  /** eventDigest(envelope). */
  dig: string;
}

const agentSource = /^urn:wow:agent:([a-z][a-z0-9]*(?:-[a-z0-9]+)*)$/;

/**
 * Whose key signs what a source sends: an agent's envelopes (`urn:wow:agent:<id>`) its own;
 * everything the platform sends itself (its doors, deploys, tools) the platform's.
 */
export function signerOf(source: string): Subject {
  return agentSource.exec(source)?.[1] ?? 'platform';
}
