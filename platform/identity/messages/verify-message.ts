import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createError } from '../../errors/errors.ts';
import type { DeliveryInRead, MessageGuard } from '../../bus/bus.ts';
import { typeMatches } from '../../bus/envelope.ts';
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
import type { ReplayCache, ReplayClaim } from './replay-cache.ts';

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
// A replayed id must stay known for as long as a copy of it could still pass `exp`: one
// appended up to 420 s after the entry claimed (maxMessageTtlSeconds + twice the skew),
// and a margin.
const claimHoldMs = (maxMessageTtlSeconds + 2 * skewSeconds) * 1000 + 10 * 60_000;

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
 * then costs one digest and one comparison. The deliveries of one read are checked
 * together, their ids claimed in one call and no promise made per delivery. A refusal is
 * WOW_ERR_MESSAGE_REFUSED with `data.reason`; a store or replay cache that cannot be asked
 * fails the read with its own error, and its deliveries wait.
 */
export function createMessageVerifier(opts: MessageVerifierOptions): Pick<MessageGuard, 'verify' | 'verifyRead'> {
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
    /** The verdict once it came, a refusal too (what the deliveries that waited for it read). */
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
        entry.settled = v;
        if ('refused' in v) {
          forget(text, entry);
          return;
        }
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
  const refuse = (group: string, d: DeliveryInRead, reason: MessageRefusal, problem: string, signedBy?: string) => {
    const { event } = d;
    return createError(
      'WOW_ERR_MESSAGE_REFUSED',
      { eventId: event.id.slice(0, 80), type: event.type, source: event.source.slice(0, 120), reason, problem },
      { data: { reason, group, entryId: d.entryId, ...(signedBy === undefined ? {} : { signedBy }) } },
    );
  };

  /**
   * The checks of one message against its batch's verdict: the claims, the key's state when
   * the entry was published, and that the envelope is the one the proof lists at its index.
   */
  const messageRefusal = (
    group: string,
    d: DeliveryInRead & { event: { signature: string } },
    signature: MessageSignature,
    verdict: CheckedBatch,
  ) => {
    const { claims, kid, key, digests } = verdict;
    // The batch's own claim, judged before the envelope's: a proof for another bus says no more.
    if (claims.aud !== opts.audience) return refuse(group, d, 'audience', `aud must be ${opts.audience}`);
    if (retiredBy(key, d.publishedAt))
      return refuse(group, d, 'kid', `${kid} was retired before the message was published`);
    if (signature.dig !== undefined && signature.dig !== claims.dig)
      return refuse(
        group,
        d,
        'tampered',
        "the proof beside the entry is another batch's than the one its signature names",
      );
    // From the text the bus read when it is the signer's (no second serialization), else
    // from the envelope as parsed: a text otherwise written may still hold the signed envelope.
    const listed = digests[signature.index];
    const fromText = d.json === undefined ? undefined : sentDigest(d.json, d.event.signature);
    if (signature.index >= claims.cnt || (listed !== fromText && listed !== eventDigest(d.event)))
      return refuse(
        group,
        d,
        'tampered',
        "the envelope is not one the signature covers (its digest is not the proof's at its index)",
      );
    const appended = Math.floor(d.publishedAt / 1000);
    if (appended > claims.exp + skewSeconds)
      return refuse(group, d, 'expired', `exp ${claims.exp} had passed when the bus took it (${appended})`);
    if (claims.iat > appended + skewSeconds)
      return refuse(group, d, 'not_yet_valid', `iat ${claims.iat} is after the bus took it (${appended})`);
    return undefined;
  };

  /**
   * Whether the sender may send the event's type now: the platform its own types; an agent
   * neither suspended nor revoked, holding a live credential that names the type. A promise
   * when an answer from the store is not at hand yet (the caller asks again once it came).
   */
  const senderRefusal = (group: string, d: DeliveryInRead, signer: Subject, now: number) => {
    const { event } = d;
    if (signer === 'platform')
      return opts.platformTypes.some((pattern) => typeMatches(pattern, event.type))
        ? undefined
        : refuse(group, d, 'undeclared', `the platform does not send ${event.type}`);
    const states = haltedAt(now);
    if (states.settled === undefined) return states.value;
    const state = states.settled.get(signer);
    if (state !== undefined) return refuse(group, d, state, `${signer} is ${state}`, signer);
    const credential = emitsAt(signer, now);
    if (credential.settled === undefined) return credential.value;
    const declared = credential.settled.emits;
    if (declared === undefined)
      return refuse(group, d, 'no_credential', `${signer} holds no live capability credential`, signer);
    if (!declared.includes(event.type))
      return refuse(group, d, 'undeclared', `${signer}'s credential does not let it emit ${event.type}`, signer);
    return undefined;
  };

  /**
   * What a read holds while its deliveries are checked: the proofs it fetched (by the
   * driver's fetch, shared by a batch's deliveries), and the batch verdict each delivery
   * that waited for one waited for (settled since, and read as it came).
   */
  interface ReadState {
    fetched: Map<() => Promise<string | undefined>, string | undefined>;
    waitedFor: Map<number, HeldVerdict>;
  }

  /**
   * Every check of delivery `i` but its replay claim, synchronous while what it needs is at
   * hand (its batch's verdict, the sender's state and credential, all held): then its
   * digest, a few comparisons, and true for a pass. Otherwise what it
   * waits for (a proof to fetch, a batch's first check, the store): the read checks it
   * again once that came. Or its refusal.
   */
  const check = (group: string, d: DeliveryInRead, i: number, now: number, read: ReadState) => {
    const { event } = d;
    if (event.signature === undefined) return refuse(group, d, 'unsigned', 'it carries no signature');
    const signed = d as DeliveryInRead & { event: { signature: string } };
    const signature = parseSignature(event.signature);
    if (signature === undefined)
      return refuse(
        group,
        d,
        'malformed',
        'the signature is neither <JWS>~<digests>~<index> nor <dig>~<index> within bounds',
      );
    let held = read.waitedFor.get(i);
    if (held === undefined) {
      // The proof the signature carries, or the one the bus read with the entry, or fetched
      // now, unless the batch the signature names passed here moments ago, for this sender:
      // its verdict is the one the fetched proof would get (the `dig` it names is signed,
      // and the envelope's digest is still compared with the list). A Redis read cut short
      // holds part of a batch and no proof; without this, each such read fetched it again.
      let given: string | undefined;
      const atHand = signature.text ?? d.proof;
      if (typeof atHand === 'function') {
        held = passed(signature.dig, event.source, now);
        if (held === undefined && !read.fetched.has(atHand))
          return atHand().then((text) => read.fetched.set(atHand, text));
        given = read.fetched.get(atHand);
      } else given = atHand;
      if (held === undefined) {
        if (given === undefined)
          return refuse(
            group,
            d,
            'unproven',
            'the signature names a batch proof that the bus did not find beside the entry',
          );
        // A proof the bus carried is its string as read, shared by the batch: parsed and
        // checked once per batch, its other deliveries waiting for that check or reading
        // its verdict.
        held = batches.get(given);
        if (held === undefined || held.source !== event.source || held.until <= now) {
          const proof = signature.proof ?? parseProof(given);
          if (proof === undefined)
            return refuse(group, d, 'malformed', 'the proof beside the entry is not <JWS>~<digests>');
          held = verdictOf(given, proof, event.source, now);
        }
      }
      // Settled for all but a batch's first messages.
      if (held.settled === undefined) {
        read.waitedFor.set(i, held);
        return held.verdict;
      }
    }
    const verdict = held.settled;
    // Settled once waited for (a verdict that failed fails the read).
    if (verdict === undefined) return held.verdict;
    if ('refused' in verdict) return refuse(group, d, verdict.refused, verdict.problem);
    return messageRefusal(group, signed, signature, verdict) ?? senderRefusal(group, d, verdict.signer, now) ?? true;
  };

  /**
   * A read's deliveries checked together: their ids claimed first, in the order read, in
   * one call answered while the read is checked (check, as many passes as waiting for
   * something takes). A delivery that passed every check is refused as a replay if its id
   * was not its entry's to take; the ids that refused deliveries took are taken back, so
   * that a forged copy keeps no id from the message it copied (which one of this read
   * lost to it then claims again).
   */
  const verifyRead = async (group: string, deliveries: readonly DeliveryInRead[]): Promise<(Error | undefined)[]> => {
    const outcomes = new Array<Error | undefined>(deliveries.length).fill(undefined);
    const claims = claimsOf(deliveries);
    const claimed = claims.all.length === 0 ? undefined : opts.replay.claim(group, claims.all, claims.ttlMs);
    // Awaited below unless every delivery is refused; never an unhandled rejection.
    claimed?.catch(() => undefined);
    const read: ReadState = { fetched: new Map(), waitedFor: new Map() };
    const passing: number[] = [];
    let todo: number[] | undefined;
    // The whole read judged as of when it came: an answer it waited for was asked for then,
    // and so is within its time. Judged by the clock of each pass, an answer slower than
    // `cacheMs` was past its time when it came, and was asked for again, without end.
    const now = nowMs();
    for (;;) {
      const waits = new Set<Promise<unknown>>();
      const again: number[] = [];
      const count = todo === undefined ? deliveries.length : todo.length;
      for (let k = 0; k < count; k++) {
        const i = todo === undefined ? k : (todo[k] ?? 0);
        const step = check(group, deliveries[i] as DeliveryInRead, i, now, read);
        if (step === true) passing.push(i);
        else if (step instanceof Promise) {
          waits.add(step);
          again.push(i);
        } else outcomes[i] = step;
      }
      if (again.length === 0) break;
      await Promise.all(waits);
      todo = again;
    }
    if (claimed === undefined) return outcomes;
    // Nothing passed: a claim that failed took nothing to take back, and fails no delivery.
    const firsts = await (passing.length === 0 ? claimed.catch(() => []) : claimed);
    const took = new Array<boolean>(deliveries.length).fill(false);
    claims.places.forEach((i, k) => (took[i] = firsts[k] === true));
    const takenBack = claims.places.filter((i) => took[i] && outcomes[i] !== undefined);
    if (takenBack.length > 0)
      await opts.replay.release(
        group,
        takenBack.map((i) => claimOf(deliveries[i] as DeliveryInRead)),
      );
    let lost = passing.filter((i) => !took[i]);
    const backIds = new Set(takenBack.map((i) => (deliveries[i] as DeliveryInRead).event.id));
    const retry = lost.filter((i) => backIds.has((deliveries[i] as DeliveryInRead).event.id));
    if (retry.length > 0) {
      const second = await opts.replay.claim(
        group,
        retry.map((i) => claimOf(deliveries[i] as DeliveryInRead)),
        claims.ttlMs,
      );
      const won = new Set(retry.filter((_, k) => second[k] === true));
      lost = lost.filter((i) => !won.has(i));
    }
    for (const i of lost) {
      const d = deliveries[i] as DeliveryInRead;
      outcomes[i] = refuse(
        group,
        d,
        'replay',
        `${group} has accepted message ${d.event.id.slice(0, 80)} before, in another entry`,
      );
    }
    return outcomes;
  };

  /**
   * The claims of a read's signed deliveries, in the order read, and the place of each.
   * Held as long as a copy could still pass: one appended up to `exp` + 60 s, where `exp`
   * is at most 360 s after the bus took the entry (300 s after `iat`, itself within 60 s
   * of it), plus the margin.
   */
  const claimsOf = (deliveries: readonly DeliveryInRead[]) => {
    const places: number[] = [];
    let latest = 0;
    deliveries.forEach((d, i) => {
      if (d.event.signature === undefined) return;
      places.push(i);
      if (d.publishedAt > latest) latest = d.publishedAt;
    });
    const all = places.map((i) => claimOf(deliveries[i] as DeliveryInRead));
    const ttlMs = Math.min(latest - nowMs(), skewSeconds * 1000) + claimHoldMs;
    return { all, places, ttlMs };
  };
  const claimOf = (d: DeliveryInRead): ReplayClaim => ({ jti: d.event.id, entryId: d.entryId });

  return {
    verifyRead,
    verify: async (event, { group, ...at }) => {
      const [refused] = await verifyRead(group, [{ event, ...at }]);
      if (refused !== undefined) throw refused;
    },
  };
}
