import { createJWT } from 'did-jwt';
import type { SealedEvent } from '../../bus/bus.ts';
import { topicOf, type CloudEvent } from '../../bus/envelope.ts';
import { didOf, type Subject } from '../did/did-web.ts';
import { createError } from '../errors.ts';
import type { IdentityContext } from '../identity-context.ts';
import { signingKeyOf, type IdentityKey } from '../identity-keys.ts';
import { digestOfList, textDigest, unsignedForm, withSignature } from './event-digest.ts';
import {
  carryingProof,
  formatProof,
  maxBatchSize,
  maxMessageTtlSeconds,
  messageTyp,
  namingProof,
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
  /** True for `sign`: the signature carries the proof; false for `seal`: it names it. */
  carry: boolean;
  resolve: (signed: SealedEvent) => void;
  reject: (err: unknown) => void;
}

export interface MessageSigner {
  /** Signs `event` with a signature that carries its batch's proof: checkable alone, anywhere. */
  sign: (event: CloudEvent) => Promise<CloudEvent>;
  /**
   * Signs `event` for a bus that carries the batch's proof once beside the batch's
   * envelopes: the signature only names it (`<dig>~<index>`). A batch of one carries it
   * anyway (there is nothing to share), and `proof` is then undefined.
   */
  seal: (event: CloudEvent) => Promise<SealedEvent>;
}

/**
 * Signs envelopes as their sender, with the sender's current key through the KMS port. What
 * one source publishes to one topic in the same turn of the event loop is signed together:
 * one compact JWS (EdDSA, `typ` wow-events+jwt) over the SHA-256 of the list of the
 * envelopes' digests, the list and the JWS making the batch's proof (message-claims.ts).
 * One KMS call then serves a whole burst: signing per message held the Redis bus to an
 * eighth of its unsigned throughput. Per topic, because a topic is a stream: its readers
 * get the proof once, in that stream, listing only that stream's messages. A lone message
 * waits only for the promise jobs already queued (`process.nextTick`). The key is looked
 * up once per `keyCacheMs` and never past the end of its signing window, so a rotation
 * takes effect within that time.
 */
export function createMessageSigner(ctx: IdentityContext, opts: MessageSignerOptions): MessageSigner {
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
    // Each envelope's text is hashed, and then sent as it is with its signature spliced in.
    const texts = batch.map((w) => JSON.stringify(w.event));
    const digests = texts.map(textDigest).join('.');
    const iat = Math.floor(now.getTime() / 1000);
    const claims: MessageClaims = { sub: source, dig: digestOfList(digests), cnt: batch.length };
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
    const proof = formatProof({ jws, digests });
    // One string shared by every envelope of the batch: a bus keys what it carries by it.
    const shared = batch.length === 1 ? undefined : proof;
    batch.forEach((w, index) => {
      const signature = w.carry || shared === undefined ? carryingProof(proof, index) : namingProof(claims.dig, index);
      const json = withSignature(texts[index] ?? '', signature);
      // The signer's own copy (unsignedForm), so the signature goes on it, last, as in `json`.
      w.event.signature = signature;
      w.resolve({ event: w.event, proof: w.carry ? undefined : shared, json });
    });
  };

  let waiting = new Map<string, Waiting[]>();
  const flush = () => {
    const byBatch = waiting;
    waiting = new Map();
    for (const all of byBatch.values())
      for (let from = 0; from < all.length; from += maxBatchSize) {
        const batch = all.slice(from, from + maxBatchSize);
        signBatch(batch[0]?.event.source ?? '', batch).catch((err: unknown) => {
          for (const w of batch) w.reject(err);
        });
      }
  };
  const enqueue = (event: CloudEvent, carry: boolean) =>
    new Promise<SealedEvent>((resolve, reject) => {
      if (waiting.size === 0) process.nextTick(flush);
      const batchKey = `${event.source}\n${topicOf(event.type)}`;
      const queue = waiting.get(batchKey);
      // Signed as it will be sent (event-digest.ts): data last, any old signature dropped.
      const w: Waiting = { event: unsignedForm(event), carry, resolve, reject };
      if (queue === undefined) waiting.set(batchKey, [w]);
      else queue.push(w);
    });
  return {
    sign: (event) => enqueue(event, true).then((signed) => signed.event),
    seal: (event) => enqueue(event, false),
  };
}
