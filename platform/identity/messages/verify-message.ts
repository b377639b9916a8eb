import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createError } from '../../errors/errors.ts';
import type { DeliveryToVerify } from '../../bus/bus.ts';
import { typeMatches, type CloudEvent } from '../../bus/envelope.ts';
import type { PgQueryable } from '../../store/store.ts';
import type { CapabilityReader } from '../credentials/capabilities-of.ts';
import { didOf, type Subject } from '../did/did-web.ts';
import { listKeys, retiredBy, type IdentityKey } from '../identity-keys.ts';
import { haltedAgents } from '../lifecycle/agent-lifecycle.ts';
import { digestOfList, eventDigest, sentDigest } from './event-digest.ts';
import {
  maxBatchSize,
  maxMessageTtlSeconds,
  messageTyp,
  parseProof,
  parseSignature,
  signerOf,
  type BatchProof,
  type MessageSignature,
} from './message-claims.ts';
import type { ReplayCache } from './replay-cache.ts';

/** Why a message was refused: each check has its own, counted by it in /metrics. */
export type MessageRefusal =
  | 'unsigned'
  | 'malformed'
  | 'alg'
  | 'typ'
  | 'claims'
  | 'sender'
  | 'kid'
  | 'signature'
  | 'unproven'
  | 'tampered'
  | 'audience'
  | 'expired'
  | 'not_yet_valid'
  | 'replay'
  | 'suspended'
  | 'revoked'
  | 'no_credential'
  | 'undeclared';

export interface MessageVerifierOptions {
  /** The did:web host of this platform: only its DIDs sign messages here. */
  host: string;
  /** What every message's `aud` must be. */
  audience: string;
  db: PgQueryable;
  /** The agents' live capability credentials (Identity). */
  capabilities: Pick<CapabilityReader, 'capabilitiesOf'>;
  /** The types the platform sends itself (`platformEventTypes` and the domains' `emits`). */
  platformTypes: readonly string[];
  replay: ReplayCache;
  /** How long keys and credentials read from the store are reused. Default 5 s. */
  cacheMs?: number;
  /** The clock in ms. Default Date.now. */
  now?: () => number;
}

const skewSeconds = 60;
// Batches whose proof is held as checked, and their proofs' characters in all (16 MiB of
// text at most: 3,000 proofs of 100 messages).
const maxCheckedBatches = 4096;
const maxHeldProofChars = 16 * 1024 * 1024;
// A replayed id must stay known for as long as a copy of it could still pass `exp`.
const replayMarginMs = 10 * 60_000;

interface Cached<T> {
  value: T;
  until: number;
}

const parseJson = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a delivery's signature before any handler sees it, every check on and failing
 * closed: the batch's proof must be at hand (carried by the signature, or by the bus beside
 * the entry); its compact JWS must be EdDSA with `typ` wow-events+jwt; its issuer the DID
 * of whoever the envelope's `source` says sent it, and `sub` that source; `kid` a key of
 * that DID, live when the entry was published and signing when the JWS was made; the
 * signature must verify (node's Ed25519, a public key cached per key); the proof's list of
 * digests must hash to the signed `dig` and hold `cnt` of them; the envelope's own digest
 * must be the list's at the signature's index; `aud` this bus; `exp` present, at most 300 s after `iat`, and not past when the bus appended the
 * entry (60 s skew; judged at append time, so a message that waits in a backlog does not
 * expire, while one appended again later does); the id not accepted before by this group
 * in another entry; and the sender must be neither suspended nor revoked and hold a live
 * credential to emit the type (the platform: its own types). A batch's proof is checked once
 * and its result reused by the batch's other messages for up to `cacheMs`: each of them
 * then costs one digest and one comparison. Throws
 * WOW_ERR_MESSAGE_REFUSED with `data.reason`; a store that cannot be read throws its own
 * error, and the delivery waits.
 */
export function createMessageVerifier(
  opts: MessageVerifierOptions,
): (event: CloudEvent, at: DeliveryToVerify) => Promise<void> {
  const cacheMs = opts.cacheMs ?? 5000;
  const nowMs = opts.now ?? Date.now;
  const keys = new Map<Subject, Cached<IdentityKey[]> & { loadedAt: number; ahead?: boolean }>();
  const publicKeys = new Map<string, KeyObject>();
  // Each a promise, so that the deliveries arriving while the store is asked wait for that
  // one answer instead of each asking again (a burst once every cacheMs, otherwise). In the
  // second half of its time a held answer is read again ahead, and the new one replaces it
  // when it comes: deliveries stop waiting for the store every cacheMs, and no answer is
  // used past its time (one older than cacheMs is never used; the new one counts from when
  // it was asked).
  // `settled` is the answer once it came, read without a turn of waiting.
  type Halted = Map<string, 'suspended' | 'revoked'>;
  let halted: (Cached<Promise<Halted>> & { ahead?: boolean; settled?: Halted }) | undefined;
  const readHalted = (now: number) => {
    const value = haltedAgents(opts.db);
    const held: NonNullable<typeof halted> = { value, until: now + cacheMs };
    value.then((v) => (held.settled = v)).catch(() => undefined);
    return { held, value };
  };
  const haltedAt = (now: number) => {
    if (halted === undefined || halted.until <= now) {
      const { held, value } = readHalted(now);
      halted = held;
      // A failed read is not kept: the next delivery asks again.
      value.catch(() => {
        if (halted === held) halted = undefined;
      });
    } else if (halted.ahead !== true && halted.until - now < cacheMs / 2) {
      const current = halted;
      current.ahead = true;
      const { held, value } = readHalted(now);
      value.then(
        () => {
          if (halted === current) halted = held;
        },
        () => (current.ahead = false),
      );
    }
    return halted;
  };

  const readKeys = async (subject: Subject, now: number) => {
    const value = await listKeys(opts.db, subject);
    keys.set(subject, { value, until: now + cacheMs, loadedAt: now });
    return value;
  };
  const keysOf = async (subject: Subject, kid: string): Promise<IdentityKey[]> => {
    const now = nowMs();
    const cached = keys.get(subject);
    if (cached !== undefined) {
      const known = cached.value.some((k) => `${didOf(opts.host, subject)}#${k.fragment}` === kid);
      if (known && cached.until > now) {
        // Read again ahead in the second half of its time (see haltedAt): a lone message,
        // its own batch, would otherwise wait for the store every cacheMs.
        if (cached.ahead !== true && cached.until - now < cacheMs / 2) {
          cached.ahead = true;
          readKeys(subject, now).catch(() => (cached.ahead = false));
        }
        return cached.value;
      }
      // A key not yet seen may be a rotation's new one: read again, at most once a second.
      if (now - cached.loadedAt < 1000) return cached.value;
    }
    return readKeys(subject, now);
  };
  // `settled` as for halted: what the credential lets the agent emit (none: no live credential).
  type HeldEmits = Cached<Promise<readonly string[] | undefined>> & {
    ahead?: boolean;
    settled?: { emits: readonly string[] | undefined };
  };
  const readEmits = (agentId: string, now: number, settled: (entry: HeldEmits) => void) => {
    const entry: HeldEmits = { value: Promise.resolve(undefined), until: now + cacheMs };
    entry.value = opts.capabilities.capabilitiesOf(agentId).then((held) => {
      // Kept no longer than the credential lives.
      if (held !== undefined) entry.until = Math.min(entry.until, held.expiresAt.getTime());
      entry.settled = { emits: held?.emits };
      settled(entry);
      return held?.emits;
    });
    return entry;
  };
  const emits = new Map<string, HeldEmits>();
  const emitsAt = (agentId: string, now: number): HeldEmits => {
    const cached = emits.get(agentId);
    if (cached !== undefined && cached.until > now) {
      // Read again ahead in the second half of its time (see haltedAt).
      if (cached.ahead !== true && cached.until - now < cacheMs / 2) {
        cached.ahead = true;
        const next = readEmits(agentId, now, (fresh) => {
          if (emits.get(agentId) === cached) emits.set(agentId, fresh);
        });
        next.value.catch(() => (cached.ahead = false));
      }
      return cached;
    }
    const entry = readEmits(agentId, now, () => undefined);
    entry.value.catch(() => {
      // A failed read is not kept: the next delivery asks again.
      if (emits.get(agentId) === entry) emits.delete(agentId);
    });
    emits.set(agentId, entry);
    return entry;
  };
  const publicKeyOf = (kid: string, key: IdentityKey): KeyObject => {
    let found = publicKeys.get(kid);
    if (found === undefined) {
      found = createPublicKey({ key: { ...key.publicKeyJwk }, format: 'jwk' });
      publicKeys.set(kid, found);
    }
    return found;
  };

  /** A batch's proof as checked, or why it was refused. */
  interface CheckedBatch {
    claims: { iss: string; sub: string; dig: string; cnt: number; aud: unknown; iat: number; exp: number };
    kid: string;
    key: IdentityKey;
    /** Whose key signed it: the agent the source names, or the platform. */
    signer: Subject;
    /** The digest of each message of the batch, in order. */
    digests: string[];
  }
  type BatchVerdict = CheckedBatch | { refused: MessageRefusal; problem: string };
  const no = (refused: MessageRefusal, problem: string): BatchVerdict => ({ refused, problem });
  const checkBatch = async (proof: BatchProof, source: string): Promise<BatchVerdict> => {
    const parts = proof.jws.split('.');
    const [h = '', p = '', s = ''] = parts;
    let header: unknown;
    let payload: unknown;
    try {
      if (parts.length !== 3) throw new Error();
      header = parseJson(h);
      payload = parseJson(p);
    } catch {
      return no('malformed', 'the proof does not start with a compact JWS holding JSON');
    }
    if (!isRecord(header) || !isRecord(payload)) return no('malformed', 'its header and payload must be objects');
    if (header.alg !== 'EdDSA') return no('alg', `alg must be EdDSA, got ${JSON.stringify(header.alg)?.slice(0, 40)}`);
    if (header.typ !== messageTyp)
      return no('typ', `typ must be ${messageTyp}, got ${JSON.stringify(header.typ)?.slice(0, 60)}`);
    const { iss, sub, dig, cnt, aud, iat, exp } = payload;
    if (
      typeof iss !== 'string' ||
      typeof sub !== 'string' ||
      typeof dig !== 'string' ||
      typeof cnt !== 'number' ||
      typeof iat !== 'number' ||
      typeof exp !== 'number'
    )
      return no('claims', 'iss, sub, dig, cnt, iat and exp are all required');
    if (!Number.isInteger(cnt) || cnt < 1 || cnt > maxBatchSize)
      return no('claims', `cnt must be a whole number from 1 to ${maxBatchSize}`);
    if (exp - iat > maxMessageTtlSeconds || exp <= iat)
      return no('claims', `exp must be within ${maxMessageTtlSeconds} s after iat`);
    const signer = signerOf(source);
    const did = didOf(opts.host, signer);
    if (iss !== did || sub !== source)
      return no('sender', `signed by ${iss.slice(0, 120)} as ${sub.slice(0, 120)}, but its source is ${source}`);
    const kid = header.kid;
    if (typeof kid !== 'string' || !kid.startsWith(`${did}#`)) return no('kid', `kid must name a key of ${did}`);
    const key = (await keysOf(signer, kid)).find((k) => `${did}#${k.fragment}` === kid);
    if (key === undefined) return no('kid', `${kid} is not a key of ${did}`);
    const signsFrom = key.signsFrom.getTime() / 1000 - skewSeconds;
    const signsUntil = key.signsUntil === null ? Infinity : key.signsUntil.getTime() / 1000 + skewSeconds;
    if (iat < signsFrom || iat > signsUntil) return no('kid', `${kid} was not ${did}'s signing key at iat ${iat}`);
    if (!verify(null, Buffer.from(`${h}.${p}`), publicKeyOf(kid, key), Buffer.from(s, 'base64url')))
      return no('signature', `the signature does not verify with ${kid}`);
    // Only now is `dig` the sender's word: the list must be the one it signed.
    if (digestOfList(proof.digests) !== dig)
      return no('tampered', 'the proof lists other digests than the ones its JWS signs');
    const digests = proof.digests.split('.');
    if (digests.length !== cnt) return no('tampered', `the proof lists ${digests.length} digests for cnt ${cnt}`);
    return { claims: { iss, sub, dig, cnt, aud, iat, exp }, kid, key, signer, digests };
  };
  /**
   * Each batch's proof checked once, by its exact text, and the verdict shared by the
   * batch's messages, which arrive together: those in flight wait for the first check,
   * those after read the verdict as settled. A pass is kept `cacheMs` (then checked again,
   * so a key retired meanwhile is seen as the store says); a refusal or an error is not
   * kept. The verdict holds for the sender it was checked for (`sub` and `iss` are that
   * sender's): another `source` quoting the same proof is checked, and refused, anew.
   * Proofs are held up to `maxHeldProofChars` in all, oldest out first.
   */
  interface HeldVerdict {
    source: string;
    verdict: Promise<BatchVerdict>;
    settled?: BatchVerdict;
    until: number;
  }
  const batches = new Map<string, HeldVerdict>();
  // The same passes by the `dig` they sign: a delivery whose signature names a batch checked
  // moments ago needs no proof at hand. A Redis read cut short holds part of a batch and no
  // proof; without this, each such read fetched the proof again (one more round trip before
  // its deliveries could be verified), and with reads shorter than a batch that was nearly
  // every delivery.
  const byDig = new Map<string, HeldVerdict>();
  let heldChars = 0;
  const forget = (text: string, entry: HeldVerdict) => {
    if (batches.get(text) !== entry) return;
    batches.delete(text);
    heldChars -= text.length;
    const dig = entry.settled !== undefined && !('refused' in entry.settled) ? entry.settled.claims.dig : undefined;
    if (dig !== undefined && byDig.get(dig) === entry) byDig.delete(dig);
  };
  const verdictOf = (text: string, proof: BatchProof, source: string, now: number): HeldVerdict => {
    const held = batches.get(text);
    const verdict = checkBatch(proof, source);
    if (held !== undefined) forget(text, held);
    // Oldest out first (a Map keeps insertion order).
    for (const [oldest, entry] of batches) {
      if (batches.size < maxCheckedBatches && heldChars + text.length <= maxHeldProofChars) break;
      forget(oldest, entry);
    }
    const entry: HeldVerdict = { source, verdict, until: now + cacheMs };
    batches.set(text, entry);
    heldChars += text.length;
    verdict.then(
      (v) => {
        if ('refused' in v) {
          forget(text, entry);
          return;
        }
        entry.settled = v;
        // Named by its dig only while held by its text, so that both go together.
        if (batches.get(text) === entry) byDig.set(v.claims.dig, entry);
      },
      () => forget(text, entry),
    );
    return entry;
  };

  /** The pass held for the batch `dig` names, checked for `source` and still within its time. */
  const passed = (dig: string | undefined, source: string, now: number): HeldVerdict | undefined => {
    const held = dig === undefined ? undefined : byDig.get(dig);
    return held !== undefined && held.source === source && held.until > now ? held : undefined;
  };

  // `signedBy`: the agent whose verified signature sent what it may not send, so the
  // violation is its own doing (a replay or a forged envelope is someone else's).
  const refuse = (
    event: CloudEvent,
    at: DeliveryToVerify,
    reason: MessageRefusal,
    problem: string,
    signedBy?: string,
  ) =>
    createError(
      'WOW_ERR_MESSAGE_REFUSED',
      { eventId: event.id.slice(0, 80), type: event.type, source: event.source.slice(0, 120), reason, problem },
      { data: { reason, group: at.group, entryId: at.entryId, ...(signedBy === undefined ? {} : { signedBy }) } },
    );

  /**
   * The checks of one message against its batch's verdict: the claims, the key's state when
   * the entry was published, and that the envelope is the one the proof lists at its index.
   */
  const messageRefusal = (
    event: CloudEvent & { signature: string },
    at: DeliveryToVerify,
    signature: MessageSignature,
    verdict: CheckedBatch,
  ) => {
    const { claims, kid, key, digests } = verdict;
    // The batch's own claim, judged before the envelope's: a proof for another bus says no more.
    if (claims.aud !== opts.audience) return refuse(event, at, 'audience', `aud must be ${opts.audience}`);
    if (retiredBy(key, at.publishedAt))
      return refuse(event, at, 'kid', `${kid} was retired before the message was published`);
    if (signature.dig !== undefined && signature.dig !== claims.dig)
      return refuse(
        event,
        at,
        'tampered',
        "the proof beside the entry is another batch's than the one its signature names",
      );
    // From the text the bus read when it is the signer's (no second serialization), else
    // from the envelope as parsed: a text otherwise written may still hold the signed envelope.
    const listed = digests[signature.index];
    const fromText = at.json === undefined ? undefined : sentDigest(at.json, event.signature);
    if (signature.index >= claims.cnt || (listed !== fromText && listed !== eventDigest(event)))
      return refuse(
        event,
        at,
        'tampered',
        "the envelope is not one the signature covers (its digest is not the proof's at its index)",
      );
    const appended = Math.floor(at.publishedAt / 1000);
    if (appended > claims.exp + skewSeconds)
      return refuse(event, at, 'expired', `exp ${claims.exp} had passed when the bus took it (${appended})`);
    if (claims.iat > appended + skewSeconds)
      return refuse(event, at, 'not_yet_valid', `iat ${claims.iat} is after the bus took it (${appended})`);
    return undefined;
  };

  /**
   * Whether the sender may send the event's type now: the platform its own types; an agent
   * neither suspended nor revoked, holding a live credential that names the type. A promise
   * when an answer from the store is not at hand yet (the caller asks again once it came).
   */
  const senderRefusal = (event: CloudEvent, at: DeliveryToVerify, signer: Subject, now: number) => {
    if (signer === 'platform')
      return opts.platformTypes.some((pattern) => typeMatches(pattern, event.type))
        ? undefined
        : refuse(event, at, 'undeclared', `the platform does not send ${event.type}`);
    const states = haltedAt(now);
    if (states.settled === undefined) return states.value;
    const state = states.settled.get(signer);
    if (state !== undefined) return refuse(event, at, state, `${signer} is ${state}`, signer);
    const credential = emitsAt(signer, now);
    if (credential.settled === undefined) return credential.value;
    const declared = credential.settled.emits;
    if (declared === undefined)
      return refuse(event, at, 'no_credential', `${signer} holds no live capability credential`, signer);
    if (!declared.includes(event.type))
      return refuse(event, at, 'undeclared', `${signer}'s credential does not let it emit ${event.type}`, signer);
    return undefined;
  };

  /** The sender's standing, then the id's claim: the last checks, after every other passed. */
  const admit = (event: CloudEvent, at: DeliveryToVerify, signer: Subject, exp: number): Promise<void> => {
    const now = nowMs();
    const refused = senderRefusal(event, at, signer, now);
    if (refused instanceof Promise) return refused.then(() => admit(event, at, signer, exp));
    if (refused !== undefined) return Promise.reject(refused);
    const ttlMs = (exp + skewSeconds) * 1000 - now + replayMarginMs;
    return opts.replay.claim(at.group, event.id, at.entryId, ttlMs).then((first) => {
      if (!first)
        throw refuse(
          event,
          at,
          'replay',
          `${at.group} has accepted message ${event.id.slice(0, 80)} before, in another entry`,
        );
    });
  };

  const judged = (
    event: CloudEvent & { signature: string },
    at: DeliveryToVerify,
    signature: MessageSignature,
    verdict: BatchVerdict,
  ): Promise<void> => {
    if ('refused' in verdict) return Promise.reject(refuse(event, at, verdict.refused, verdict.problem));
    const refused = messageRefusal(event, at, signature, verdict);
    return refused === undefined ? admit(event, at, verdict.signer, verdict.claims.exp) : Promise.reject(refused);
  };

  /**
   * Synchronous while everything it needs is at hand (a batch's verdict, the sender's state,
   * all held): a delivery then costs its digest, a few comparisons and its claim. It waits
   * only for what is not (a proof to fetch, a batch's first check, the store), and goes on
   * from there.
   */
  const verifyDelivery = (event: CloudEvent, at: DeliveryToVerify): Promise<void> => {
    if (event.signature === undefined) return Promise.reject(refuse(event, at, 'unsigned', 'it carries no signature'));
    const signed = event as CloudEvent & { signature: string };
    const signature = parseSignature(signed.signature);
    if (signature === undefined)
      return Promise.reject(
        refuse(
          event,
          at,
          'malformed',
          'the signature is neither <JWS>~<digests>~<index> nor <dig>~<index> within bounds',
        ),
      );
    // The proof the signature carries, or the one the bus read with the entry (no turn of
    // waiting for those), or fetched now, unless the batch the signature names passed here
    // moments ago, for this sender: its verdict is the one the fetched proof would get (the
    // `dig` it names is signed, and the envelope's digest is still compared with the list).
    // A Redis read cut short holds part of a batch and no proof; without this, each such
    // read fetched it again.
    const now = nowMs();
    const given = signature.text ?? at.proof;
    let held = typeof given === 'function' ? passed(signature.dig, event.source, now) : undefined;
    if (held === undefined) {
      if (typeof given === 'function') return given().then((text) => verifyDelivery(event, { ...at, proof: text }));
      if (given === undefined)
        return Promise.reject(
          refuse(event, at, 'unproven', 'the signature names a batch proof that the bus did not find beside the entry'),
        );
      // A proof the bus carried is its string as read, shared by the batch: parsed and checked
      // once per batch, its other deliveries waiting for that check or reading its verdict.
      held = batches.get(given);
      if (held === undefined || held.source !== event.source || held.until <= now) {
        const proof = signature.proof ?? parseProof(given);
        if (proof === undefined)
          return Promise.reject(refuse(event, at, 'malformed', 'the proof beside the entry is not <JWS>~<digests>'));
        held = verdictOf(given, proof, event.source, now);
      }
    }
    // Settled for all but a batch's first messages: no turn of waiting for those.
    return held.settled === undefined
      ? held.verdict.then((verdict) => judged(signed, at, signature, verdict))
      : judged(signed, at, signature, held.settled);
  };
  return verifyDelivery;
}
