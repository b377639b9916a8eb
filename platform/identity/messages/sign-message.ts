import { createJWT } from 'did-jwt';
import type { CloudEvent } from '../../bus/envelope.ts';
import { didOf, type Subject } from '../did/did-web.ts';
import { createError } from '../errors.ts';
import type { IdentityContext } from '../identity-context.ts';
import { signingKeyOf, type IdentityKey } from '../identity-keys.ts';
import { eventLeaf, unsignedForm } from './event-digest.ts';
import { merkleTree } from './merkle-batch.ts';
import {
  formatSignature,
  maxBatchSize,
  maxMessageTtlSeconds,
  messageTyp,
  signerOf,
  type MessageClaims,
} from './message-claims.ts';

export interface MessageSignerOptions {
  /** Who the messages are for: the deployment's bus (its verifiers expect the same). */
  audience: string;
  /** Each signature's life, at most 300 s. Default 60. */
  ttlSeconds?: number;
  /** How long a subject's signing key is reused before the store is asked again. Default 5 s. */
  keyCacheMs?: number;
}

interface Waiting {
  event: CloudEvent;
  resolve: (signed: CloudEvent) => void;
  reject: (err: unknown) => void;
}

/**
 * Signs envelopes as their sender, with the sender's current key through the KMS port. What
 * one source publishes in the same turn of the event loop is signed together: one compact
 * JWS (EdDSA, `typ` wow-events+jwt) over the Merkle root of the envelopes' digests, and
 * each envelope's `signature` is that JWS with its own audit path (message-claims.ts). One
 * KMS call then serves a whole burst: signing per message held the Redis bus to an eighth
 * of its unsigned throughput. A lone message waits only for the promise jobs already queued (`process.nextTick`). The key
 * is looked up once per `keyCacheMs` and never past the end of its signing window, so a
 * rotation takes effect within that time.
 */
export function createMessageSigner(
  ctx: IdentityContext,
  opts: MessageSignerOptions,
): (event: CloudEvent) => Promise<CloudEvent> {
  const ttl = opts.ttlSeconds ?? 60;
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > maxMessageTtlSeconds)
    throw new TypeError(`ttlSeconds must be a whole number from 1 to ${maxMessageTtlSeconds}, got ${ttl}`);
  const keyCacheMs = opts.keyCacheMs ?? 5000;
  const keys = new Map<Subject, { key: IdentityKey; until: number; ahead?: boolean }>();
  const read = async (subject: Subject, now: Date) => {
    const key = await signingKeyOf(ctx.db, subject, now);
    if (key === undefined) throw createError('WOW_ERR_IDENTITY_NO_KEY', { did: didOf(ctx.host, subject) });
    const until = Math.min(now.getTime() + keyCacheMs, key.signsUntil?.getTime() ?? Infinity);
    return { key, until };
  };
  const keyOf = async (subject: Subject, now: Date): Promise<IdentityKey> => {
    const cached = keys.get(subject);
    if (cached !== undefined && cached.until > now.getTime()) {
      // Read again ahead in the second half of its time, so that no batch waits for the
      // store; the held key is still used only until its own time.
      if (cached.ahead !== true && cached.until - now.getTime() < keyCacheMs / 2) {
        cached.ahead = true;
        read(subject, now).then(
          (fresh) => keys.get(subject) === cached && keys.set(subject, fresh),
          () => (cached.ahead = false),
        );
      }
      return cached.key;
    }
    const fresh = await read(subject, now);
    keys.set(subject, fresh);
    return fresh.key;
  };

  const signBatch = async (source: string, batch: Waiting[]): Promise<void> => {
    const subject = signerOf(source);
    const did = didOf(ctx.host, subject);
    const now = ctx.clock();
    const key = await keyOf(subject, now);
    const kms = ctx.kms.driver(key.kms);
    const { root, paths } = merkleTree(batch.map((w) => eventLeaf(w.event)));
    const iat = Math.floor(now.getTime() / 1000);
    const claims: MessageClaims = { sub: source, mrk: root.toString('base64url'), cnt: batch.length };
    const jws = await createJWT(
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
    // A node sits in the paths of every leaf below its sibling: each is encoded once.
    const encoded = new Map<Buffer, string>();
    const encode = (h: Buffer) => {
      let text = encoded.get(h);
      if (text === undefined) encoded.set(h, (text = h.toString('base64url')));
      return text;
    };
    batch.forEach((w, index) => {
      const path = (paths[index] ?? []).map(encode);
      w.resolve({ ...w.event, signature: formatSignature({ jws, index, path }) });
    });
  };

  let waiting = new Map<string, Waiting[]>();
  const flush = () => {
    const bySource = waiting;
    waiting = new Map();
    for (const [source, all] of bySource)
      for (let from = 0; from < all.length; from += maxBatchSize) {
        const batch = all.slice(from, from + maxBatchSize);
        signBatch(source, batch).catch((err: unknown) => {
          for (const w of batch) w.reject(err);
        });
      }
  };
  return (event) =>
    new Promise<CloudEvent>((resolve, reject) => {
      if (waiting.size === 0) process.nextTick(flush);
      const queue = waiting.get(event.source);
      // Signed as it will be sent (event-digest.ts): data last, any old signature dropped.
      const unsigned = unsignedForm(event);
      if (queue === undefined) waiting.set(event.source, [{ event: unsigned, resolve, reject }]);
      else queue.push({ event: unsigned, resolve, reject });
    });
}
