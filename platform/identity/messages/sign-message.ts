import { createJWT } from 'did-jwt';
import type { CloudEvent } from '../../bus/envelope.ts';
import { didOf, type Subject } from '../did/did-web.ts';
import { createError } from '../errors.ts';
import type { IdentityContext } from '../identity-context.ts';
import { signingKeyOf, type IdentityKey } from '../identity-keys.ts';
import { eventDigest } from './event-digest.ts';
import { maxMessageTtlSeconds, messageTyp, signerOf, type MessageClaims } from './message-claims.ts';

export interface MessageSignerOptions {
  /** Who the messages are for: the deployment's bus (its verifiers expect the same). */
  audience: string;
  /** Each signature's life, at most 300 s. Default 60. */
  ttlSeconds?: number;
  /** How long a subject's signing key is reused before the store is asked again. Default 5 s. */
  keyCacheMs?: number;
}

/**
 * Signs envelopes as their sender: a compact JWS (a JWT, EdDSA, `typ` wow-event+jwt) over
 * the envelope's digest, with the sender's current key through the KMS port, put in the
 * envelope's `signature`. The key is looked up once per `keyCacheMs` and never past the
 * end of its signing window, so a rotation takes effect within that time.
 */
export function createMessageSigner(
  ctx: IdentityContext,
  opts: MessageSignerOptions,
): (event: CloudEvent) => Promise<CloudEvent> {
  const ttl = opts.ttlSeconds ?? 60;
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > maxMessageTtlSeconds)
    throw new TypeError(`ttlSeconds must be a whole number from 1 to ${maxMessageTtlSeconds}, got ${ttl}`);
  const keyCacheMs = opts.keyCacheMs ?? 5000;
  const keys = new Map<Subject, { key: IdentityKey; until: number }>();
  const keyOf = async (subject: Subject, now: Date): Promise<IdentityKey> => {
    const cached = keys.get(subject);
    if (cached !== undefined && cached.until > now.getTime()) return cached.key;
    const key = await signingKeyOf(ctx.db, subject, now);
    if (key === undefined) throw createError('WOW_ERR_IDENTITY_NO_KEY', { did: didOf(ctx.host, subject) });
    const until = Math.min(now.getTime() + keyCacheMs, key.signsUntil?.getTime() ?? Infinity);
    keys.set(subject, { key, until });
    return key;
  };
  return async (event) => {
    const subject = signerOf(event.source);
    const did = didOf(ctx.host, subject);
    const now = ctx.clock();
    const key = await keyOf(subject, now);
    const kms = ctx.kms.driver(key.kms);
    const iat = Math.floor(now.getTime() / 1000);
    const claims: MessageClaims = { sub: event.source, jti: event.id, evt: event.type, dig: eventDigest(event) };
    const signature = await createJWT(
      { ...claims, aud: opts.audience, iat, exp: iat + ttl },
      {
        issuer: did,
        signer: async (data) => {
          const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
          return Buffer.from(await kms.sign(key.keyRef, bytes)).toString('base64url');
        },
      },
      { alg: 'EdDSA', kid: `${did}#${key.fragment}`, typ: messageTyp as 'JWT' },
    );
    return { ...event, signature };
  };
}
