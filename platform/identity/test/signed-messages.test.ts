import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBus,
  createEvent,
  createIdentity,
  createLogger,
  createMetrics,
  isWowError,
  loadConfig,
  type AgentRelease,
  type Bus,
  type CloudEvent,
  type DeliveryToVerify,
  type Identity,
  type MessageGuard,
  type ProofAtHand,
} from '#platform';
import { eventually, testBusDefaults } from '#platform/testing';
import { activateVersion, recordDraft } from '../../deploy/version-registry.ts';
import { messageTyp } from '../messages/message-claims.ts';
import { createMemoryReplayCache, createRedisReplayCache, type ReplayCache } from '../messages/replay-cache.ts';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';

// Signed messages (docs/security.md, "Signed messages"): every envelope carries a JWS made
// with its sender's key; each delivery is verified before a handler runs, and a refusal
// names its reason. The verifier is exercised directly for every reason, then through both
// bus drivers: a valid message reaches the handler, a refused one the security dead letters.
const settings = loadConfig({
  PUBLIC_URL: 'https://waooaw.example.com',
  IDENTITY_MASTER_KEY: Buffer.alloc(32, 5).toString('base64'),
  IDENTITY_KEY_PUBLISH_SECONDS: '60',
  IDENTITY_KEY_GRACE_SECONDS: '600',
  IDENTITY_CREDENTIAL_TTL_SECONDS: '86400',
}).identity;
const log = createLogger('silent');
const bus = 'did:web:waooaw.example.com#bus';

function release(agentId: string, emits: string[]): AgentRelease {
  return {
    agentId,
    treeHash: agentId.length.toString(16).padStart(40, '0'),
    commit: 'c'.repeat(40),
    manifest: {
      id: agentId,
      name: agentId,
      version: '1.0.0',
      description: 'A test agent.',
      wakesOn: [],
      emits,
      capabilities: [],
      stores: [],
      uses: [],
      ordered: false,
      tier: 'Platform CoE',
    },
    files: [],
  };
}

const sent = (data: unknown = { n: 1 }, source = 'urn:wow:agent:sender') =>
  createEvent({ type: 'test.signed.sent', data, source });

/** The batch JWS's header or payload changed by `change`, its signature and the proof's digests kept. */
function reshape(signature: string, part: 0 | 1, change: (json: Record<string, unknown>) => void): string {
  const [jws = '', ...proof] = signature.split('~');
  const parts = jws.split('.');
  const json = JSON.parse(Buffer.from(parts[part] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  change(json);
  parts[part] = Buffer.from(JSON.stringify(json)).toString('base64url');
  return [parts.join('.'), ...proof].join('~');
}

/** The JSON of the batch JWS's `part` (0 header, 1 payload). */
const partOf = (signature: string | undefined, part: 0 | 1): Record<string, unknown> =>
  JSON.parse(Buffer.from(signature?.split('~')[0]?.split('.')[part] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;

describe.each(storeBackends('signed'))('signed messages, keys and credentials on $name', (backend) => {
  let test: TestStore;
  let identity: Identity;
  let guard: MessageGuard;
  let replay: ReplayCache;
  let now = new Date('2026-06-01T08:00:00Z');
  const clock = () => now;
  const later = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));
  let entry = 0;
  /** A delivery to `group` appended `offsetSeconds` from now, in an entry of its own unless given one. */
  const at = (offsetSeconds = 0, entryId = `${++entry}-0`, group = 'reader'): DeliveryToVerify => ({
    group,
    entryId,
    publishedAt: now.getTime() + offsetSeconds * 1000,
  });
  /** Where a delivery of a read was appended: its entry of its own, now. */
  const place = () => ({ entryId: `${++entry}-0`, publishedAt: now.getTime() });
  const reason = async (event: CloudEvent, where = at()) => {
    try {
      await guard.verify(event, where);
      return 'accepted';
    } catch (err) {
      if (isWowError(err, 'WOW_ERR_MESSAGE_REFUSED')) return String(err.data?.reason);
      throw err;
    }
  };
  /** A message JWT shaped as the signer makes it, with `claims` and `opts` overriding. */
  const craft = async (
    event: CloudEvent,
    subject: string,
    claims: Record<string, unknown> = {},
    opts: { audience?: string; expiresInSeconds?: number; typ?: string } = {},
  ) => {
    const { signature = '' } = await guard.sign(event);
    const { sub, dig, cnt } = partOf(signature, 1);
    const jws = await identity.signJwt(
      subject,
      { sub, dig, cnt, ...claims },
      { audience: opts.audience ?? bus, expiresInSeconds: opts.expiresInSeconds ?? 60, typ: opts.typ ?? messageTyp },
    );
    return { ...event, signature: [jws, ...signature.split('~').slice(1)].join('~') };
  };

  beforeAll(async () => {
    test = await backend.open();
    identity = await createIdentity({ settings, store: test.store, log, clock });
    for (const subject of ['platform', 'sender', 'other', 'uncredentialed'])
      await identity.ensure(subject, { actor: 'test' });
    for (const r of [release('sender', ['test.signed.sent']), release('other', ['test.other.sent'])]) {
      await recordDraft(test.store, r);
      await activateVersion(test.store, r.agentId, r.treeHash, 'test');
      await identity.credentials.ensure(r.agentId, { actor: 'test', force: true });
    }
    replay = createMemoryReplayCache(() => now.getTime());
    guard = identity.messageGuard({ platformTypes: ['github.*', 'agent.deployed'], replay, cacheMs: 1 });
  });
  afterAll(async () => test.close());

  it('accepts what a sender signs, as that sender, and again when the same entry is delivered again', async () => {
    const event = await guard.sign(sent());
    expect(partOf(event.signature, 0)).toEqual({
      alg: 'EdDSA',
      typ: messageTyp,
      kid: (await identity.document('sender'))?.assertionMethod?.[0],
    });
    expect(partOf(event.signature, 1)).toMatchObject({
      iss: 'did:web:waooaw.example.com:agents:sender',
      sub: 'urn:wow:agent:sender',
      aud: bus,
      cnt: 1,
      exp: Math.floor(now.getTime() / 1000) + 60,
    });
    // A batch of one: the proof it carries lists its own digest.
    expect(event.signature).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+~[\w-]{43}~0$/);
    const delivery = at();
    expect(await reason(event, delivery)).toBe('accepted');
    expect(await reason(event, delivery)).toBe('accepted');
    // Another group takes the same entry as its own first delivery.
    expect(await reason(event, { ...delivery, group: 'another' })).toBe('accepted');
    // What the platform sends itself is signed by the platform.
    const webhook = await guard.sign(createEvent({ type: 'github.issues.opened', data: {}, source: 'urn:wow:github' }));
    expect(await reason(webhook)).toBe('accepted');
  });

  it('refuses each forgery with its own reason', async () => {
    const good = await guard.sign(sent());
    const cases: [string, CloudEvent | Promise<CloudEvent>][] = [
      ['unsigned', sent()],
      ['malformed', { ...good, signature: 'not.a-jws' }],
      ['alg', { ...good, signature: reshape(good.signature ?? '', 0, (h) => (h.alg = 'none')) }],
      ['typ', craft(sent(), 'sender', {}, { typ: 'JWT' })],
      // Tampered payload: the data changed after signing.
      ['tampered', { ...good, data: { n: 2 } }],
      ['tampered', { ...good, partitionkey: 'another' }],
      // Tampered header: the JWS no longer verifies.
      ['signature', { ...good, signature: reshape(good.signature ?? '', 0, (h) => (h.extra = 1)) }],
      ['signature', { ...good, signature: reshape(good.signature ?? '', 1, (p) => (p.exp = Number(p.exp) + 30)) }],
      // Signed with another agent's key, presented as the sender's (iss, and its key id under the sender's DID).
      [
        'kid',
        {
          ...good,
          signature: reshape(
            reshape((await craft(sent(), 'other')).signature ?? '', 0, (h) => {
              h.kid = String(h.kid).replace('agents:other', 'agents:sender');
            }),
            1,
            (p) => (p.iss = 'did:web:waooaw.example.com:agents:sender'),
          ),
        },
      ],
      ['sender', craft(sent(), 'other')],
      ['kid', { ...good, signature: reshape(good.signature ?? '', 0, (h) => (h.kid = `${String(h.kid)}x`)) }],
      ['sender', craft(sent({}, 'urn:wow:agent:sender'), 'sender', { sub: 'urn:wow:agent:other' })],
      ['audience', craft(sent(), 'sender', {}, { audience: 'did:web:elsewhere.example#bus' })],
      ['claims', craft(sent(), 'sender', {}, { expiresInSeconds: 3600 })],
      ['undeclared', guard.sign(createEvent({ type: 'test.other.sent', data: {}, source: 'urn:wow:agent:sender' }))],
      ['undeclared', guard.sign(createEvent({ type: 'test.any.sent', data: {}, source: 'urn:wow:cli' }))],
      [
        'no_credential',
        guard.sign(createEvent({ type: 'test.signed.sent', data: {}, source: 'urn:wow:agent:uncredentialed' })),
      ],
    ];
    const seen: string[] = [];
    for (const [, event] of cases) seen.push(await reason(await event));
    expect(seen).toEqual(cases.map(([expected]) => expected));
  });

  it('signs what one sender publishes to one topic together with one JWS, its proof listing each message', async () => {
    const events = await Promise.all(Array.from({ length: 7 }, (_, n) => guard.sign(sent({ n }))));
    const platform = await guard.sign(createEvent({ type: 'agent.deployed', data: {}, source: 'urn:wow:deploy' }));
    const elsewhere = await guard.sign(
      createEvent({ type: 'test.other.sent', data: {}, source: 'urn:wow:agent:sender' }),
    );
    const jwsOf = (e: CloudEvent) => e.signature?.split('~')[0];
    expect(new Set(events.map(jwsOf)).size).toBe(1);
    // Another sender, or another topic, in the same turn gets its own batch.
    expect(jwsOf(platform)).not.toBe(jwsOf(events[0] as CloudEvent));
    expect(jwsOf(elsewhere)).not.toBe(jwsOf(events[0] as CloudEvent));
    expect(partOf(events[0]?.signature, 1)).toMatchObject({ cnt: 7 });
    expect(events.map((e) => e.signature?.split('~')[2])).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    expect(events[0]?.signature?.split('~')[1]?.split('.')).toHaveLength(7);
    for (const event of events) expect(await reason(event)).toBe('accepted');
    const [a, b] = events as [CloudEvent, CloudEvent];
    const [jws, digests] = (b.signature ?? '').split('~');
    // Another message's place, or a place past the batch, leads to another digest.
    expect(await reason({ ...a, signature: `${jws}~${digests}~1` })).toBe('tampered');
    expect(await reason({ ...b, signature: `${jws}~${digests}~0` })).toBe('tampered');
    expect(await reason({ ...b, signature: `${jws}~${digests}~9` })).toBe('tampered');
    // The batch's JWS, already checked, is still bound to its sender.
    expect(await reason({ ...b, source: 'urn:wow:agent:other' })).toBe('sender');
    expect(await reason({ ...b, signature: `${jws}~${digests}x~1` })).toBe('malformed');
  });

  it('refuses each tampered message of a batch whose other messages were verified already', async () => {
    const events = await Promise.all(Array.from({ length: 13 }, (_, n) => guard.sign(sent({ n }))));
    const [jws = '', digests = ''] = (events[0]?.signature ?? '').split('~');
    // All but the last verified: the batch's proof is held as checked.
    for (const event of events.slice(0, 12)) expect(await reason(event)).toBe('accepted');
    const last = events[12] as CloudEvent;
    const seventh = events[7] as CloudEvent;
    const list = digests.split('.');
    const swapped = [...list];
    [swapped[7], swapped[12]] = [list[12] ?? '', list[7] ?? ''];
    const dataFirst = ({ data, ...attributes }: CloudEvent): CloudEvent => ({ data, ...attributes });
    const cases: [string, CloudEvent][] = [
      // The data, an attribute, or the order of the members changed after signing.
      ['tampered', { ...seventh, data: { n: 70 } }],
      ['tampered', { ...seventh, subject: 'added' }],
      ['tampered', dataFirst(seventh)],
      // Another message's place.
      ['tampered', { ...seventh, signature: `${jws}~${digests}~12` }],
      // The list reordered, or one digest replaced by a forged message's: no longer the list the JWS signs.
      ['tampered', { ...last, signature: `${jws}~${swapped.join('.')}~7` }],
      [
        'tampered',
        {
          ...seventh,
          data: { n: 70 },
          signature: `${jws}~${list.map((d, i) => (i === 7 ? 'A'.repeat(43) : d)).join('.')}~7`,
        },
      ],
      // A message of another batch, presented under this batch's proof.
      ['tampered', { ...(await guard.sign(sent({ n: 7 }))), signature: `${jws}~${digests}~7` }],
    ];
    const seen: string[] = [];
    for (const [, event] of cases) seen.push(await reason(event));
    expect(seen).toEqual(cases.map(([expected]) => expected));
    // The last message, untouched, still passes.
    expect(await reason(last)).toBe('accepted');
  });

  it('seals a batch for a bus: each signature names the proof the bus carries once, and each message passes with it alone', async () => {
    const sealed = await Promise.all(Array.from({ length: 5 }, (_, n) => guard.seal(sent({ n }))));
    const [{ proof = '' } = { proof: '' }] = sealed;
    // One proof string for the whole batch: its JWS, then the five digests.
    expect(sealed.every((s) => s.proof === proof)).toBe(true);
    expect(proof.split('~')[1]?.split('.')).toHaveLength(5);
    const dig = partOf(proof, 1).dig;
    expect(sealed.map((s) => s.event.signature)).toEqual([0, 1, 2, 3, 4].map((i) => `${String(dig)}~${i}`));
    // Any one message with the proof, as read or fetched on demand, in any order.
    const [first, second, third, fourth, fifth] = sealed.map((s) => s.event) as CloudEvent[] & { length: 5 };
    expect(await reason(fifth as CloudEvent, { ...at(), proof })).toBe('accepted');
    expect(await reason(second as CloudEvent, { ...at(), proof: async () => proof })).toBe('accepted');
    // A lone message of a batch for a bus carries its proof: there is nothing to share.
    const lone = await guard.seal(sent());
    expect(lone.proof).toBeUndefined();
    expect(await reason(lone.event)).toBe('accepted');

    const other = await Promise.all([guard.seal(sent({ n: 1 })), guard.seal(sent({ n: 2 }))]);
    const otherProof = other[0]?.proof ?? '';
    const [jws = '', digests = ''] = proof.split('~');
    const list = digests.split('.');
    const byOther = await Promise.all(
      [0, 1].map(() => guard.seal(createEvent({ type: 'test.other.sent', data: {}, source: 'urn:wow:agent:other' }))),
    );
    const refusals: [string, CloudEvent, ProofAtHand][] = [
      // No proof at hand: the bus found none after the entry, or the entry is not one it wrote.
      ['unproven', first as CloudEvent, undefined],
      // Of a batch not checked here yet (this one's verdict is held: see the next test).
      ['unproven', other[1].event, async () => undefined],
      // Another batch's proof, of the same sender and valid: it does not name this message.
      ['tampered', first as CloudEvent, otherProof],
      // The list changed (a digest replaced by a forged message's, or two swapped): not what the JWS signs.
      [
        'tampered',
        { ...(first as CloudEvent), data: { n: 99 } },
        `${jws}~${['A'.repeat(43), ...list.slice(1)].join('.')}`,
      ],
      ['tampered', third as CloudEvent, `${jws}~${[list[1], list[0], ...list.slice(2)].join('.')}`],
      // The data changed, the proof intact.
      ['tampered', { ...(fourth as CloudEvent), data: { n: 40 } }, proof],
      // A forged JWS in the proof.
      ['signature', first as CloudEvent, reshape(proof, 1, (p) => (p.exp = Number(p.exp) + 30))],
      // Another sender's valid proof, for an envelope that claims to be this sender's.
      ['sender', { ...(first as CloudEvent), signature: byOther[0]?.event.signature ?? '' }, byOther[0]?.proof],
      ['malformed', first as CloudEvent, 'not a proof'],
      ['malformed', { ...(first as CloudEvent), signature: `${String(dig)}~x` }, proof],
    ];
    const seen: string[] = [];
    for (const [, event, given] of refusals) seen.push(await reason(event, { ...at(), proof: given }));
    expect(seen).toEqual(refusals.map(([expected]) => expected));
    // The untouched messages still pass with the real proof.
    expect(await reason(first as CloudEvent, { ...at(), proof })).toBe('accepted');
  });

  it('needs no proof at hand for a batch that passed moments ago for the same sender, and still checks each message', async () => {
    const sealed = await Promise.all([0, 1, 2].map((n) => guard.seal(sent({ n }))));
    const proof = sealed[0]?.proof ?? '';
    const [first, second, third] = sealed.map((s) => s.event) as [CloudEvent, CloudEvent, CloudEvent];
    let fetched = 0;
    const fetch = async () => {
      fetched++;
      return proof;
    };
    expect(await reason(first, { ...at(), proof: fetch })).toBe('accepted');
    expect(fetched).toBe(1);
    // The rest of the batch, read without its proof (a read cut short): the batch's verdict serves.
    expect(await reason(second, { ...at(), proof: async () => undefined })).toBe('accepted');
    expect(await reason({ ...third, data: { n: 33 } }, { ...at(), proof: fetch })).toBe('tampered');
    expect(await reason(first, { ...at(), proof: fetch })).toBe('replay');
    expect(fetched).toBe(1);
    // Another sender naming the batch gets no verdict held for this one: its proof is fetched and refused.
    expect(await reason({ ...first, id: 'posing', source: 'urn:wow:agent:other' }, { ...at(), proof: fetch })).toBe(
      'sender',
    );
    expect(fetched).toBe(2);
    // Past the verdict's time (cacheMs), the proof is needed again.
    later(1);
    expect(await reason(third, { ...at(), proof: async () => undefined })).toBe('unproven');
    expect(await reason(third, { ...at(), proof: fetch })).toBe('accepted');
    expect(fetched).toBe(3);
  });

  it('hands a bus the envelope as JSON.stringify writes it, and digests a delivery from the text it was read from', async () => {
    const sealed = await Promise.all([0, 1, 2, 3].map((n) => guard.seal(sent({ n }))));
    const proof = sealed[0]?.proof ?? '';
    expect(sealed.every((s) => s.json === JSON.stringify(s.event))).toBe(true);
    /** A delivery parsed from `json`, as a bus reading text hands it over. */
    const read = (json: string) => [JSON.parse(json) as CloudEvent, { ...at(), proof, json }] as const;
    const [first, second, third, fourth] = sealed.map((s) => s.json ?? '') as [string, string, string, string];
    expect(await reason(...read(first))).toBe('accepted');
    // The same envelope written otherwise (a relay's indentation): its parsed form still passes.
    expect(await reason(...read(JSON.stringify(JSON.parse(second), null, 2)))).toBe('accepted');
    // Changed in the text: refused, whichever way its digest is taken.
    expect(await reason(...read(third.replace('"n":2', '"n":22')))).toBe('tampered');
    // A member moved (data first): not the text signed, nor the envelope.
    const { data, ...attributes } = JSON.parse(fourth) as CloudEvent;
    expect(await reason(...read(JSON.stringify({ data, ...attributes })))).toBe('tampered');
    expect(await reason(...read(fourth))).toBe('accepted');
  });

  it('judges exp and iat by when the bus took the entry, so a backlog does not expire and a late copy does', async () => {
    const event = await guard.sign(sent());
    // Taken at once, delivered an hour later: accepted.
    const taken = at();
    later(3600);
    expect(await reason(event, { ...taken, entryId: `${++entry}-0` })).toBe('accepted');
    // Appended again past exp (+60 s skew): expired. Appended before it was made: not yet valid.
    const fresh = await guard.sign(sent());
    expect(await reason(fresh, at(121))).toBe('expired');
    expect(await reason(fresh, at(-121))).toBe('not_yet_valid');
  });

  it('refuses a replay: the same id in another entry of the same group', async () => {
    const event = await guard.sign(sent());
    expect(await reason(event, at(0, '900-0'))).toBe('accepted');
    expect(await reason(event, at(0, '901-0'))).toBe('replay');
    expect(await reason(event, at(0, '900-0'))).toBe('accepted');
  });

  it("checks a read's deliveries together: each its own outcome, in order, one claim for all, the earlier of two entries of one id taken", async () => {
    let claims = 0;
    const counted: ReplayCache = {
      claim: (...args) => {
        claims++;
        return replay.claim(...args);
      },
      release: (...args) => replay.release(...args),
      forget: (...args) => replay.forget(...args),
    };
    const readGuard = identity.messageGuard({ platformTypes: [], replay: counted, cacheMs: 1 });
    const batch = await Promise.all([0, 1, 2, 3].map((n) => readGuard.seal(sent({ n }))));
    const proof = batch[0]?.proof ?? '';
    const [a, b, c, d] = batch.map((s) => s.event) as [CloudEvent, CloudEvent, CloudEvent, CloudEvent];
    // The batch's verdict held from an earlier read.
    expect(await readGuard.verifyRead('reader', [{ event: d, ...place(), proof }])).toEqual([undefined]);
    // `a` signed again in a batch of its own (an outbox sending it once more), whose proof is
    // fetched: that delivery waits, while the later entry of the same id passes at once.
    const again = await Promise.all([readGuard.seal(a), readGuard.seal(sent({ n: 9 }))]);
    const outcomes = await readGuard.verifyRead('reader', [
      { event: again[0].event, ...place(), proof: async () => again[0].proof },
      { event: a, ...place(), proof },
      { event: { ...b, data: { n: 7 } }, ...place(), proof },
      { event: c, ...place(), proof },
      { event: sent(), ...place() },
    ]);
    expect(outcomes.map((o) => (o === undefined ? 'accepted' : isWowError(o) ? o.data?.reason : o))).toEqual([
      'accepted',
      'replay',
      'tampered',
      'accepted',
      'unsigned',
    ]);
    expect(claims).toBe(2);
    // Nothing to claim, no claim: every delivery refused.
    await readGuard.verifyRead('reader', [{ event: sent(), ...place() }]);
    expect(claims).toBe(2);
  });

  it("claims a read's ids while it is checked, and takes back those of the deliveries refused", async () => {
    const calls: string[] = [];
    const watched: ReplayCache = {
      claim: (group, claims, ttlMs) => {
        calls.push(`claim ${claims.length}`);
        return replay.claim(group, claims, ttlMs);
      },
      release: (group, claims) => {
        calls.push(`release ${claims.length}`);
        return replay.release(group, claims);
      },
      forget: (...args) => replay.forget(...args),
    };
    const readGuard = identity.messageGuard({ platformTypes: [], replay: watched, cacheMs: 1 });
    const batch = await Promise.all([0, 1].map((n) => readGuard.seal(sent({ n }))));
    const [a, b] = batch.map((s) => s.event) as [CloudEvent, CloudEvent];
    // The proof is fetched, and the fetch held: the claim has gone out before it came.
    let give: (proof: string) => void = () => undefined;
    const fetched = new Promise<string>((resolve) => (give = resolve));
    const outcomes = readGuard.verifyRead('claims', [
      // A copy of `a` tampered with ahead of it in the read, then `a`, then `b`.
      { event: { ...a, data: { n: 'forged' } }, ...place(), proof: () => fetched },
      { event: a, ...place(), proof: () => fetched },
      { event: b, ...place(), proof: () => fetched },
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['claim 3']);
    give(batch[0]?.proof ?? '');
    const why = (o: Error | undefined) => (o === undefined ? 'accepted' : isWowError(o) ? o.data?.reason : o);
    // The copy took `a`'s id and was refused: the id is taken back, and `a` claims it again.
    expect((await outcomes).map(why)).toEqual(['tampered', 'accepted', 'accepted']);
    expect(calls).toEqual(['claim 3', 'release 1', 'claim 1']);
    // A copy refused in a read of its own keeps no id either: the message it copied passes after it.
    const c = (await readGuard.seal(sent({ n: 2 }))).event;
    const forged = await readGuard.verifyRead('claims', [{ event: { ...c, type: 'test.signed.other' }, ...place() }]);
    expect(forged.map(why)).toEqual(['tampered']);
    expect((await readGuard.verifyRead('claims', [{ event: c, ...place() }])).map(why)).toEqual(['accepted']);
    expect((await readGuard.verifyRead('claims', [{ event: c, ...place() }])).map(why)).toEqual(['replay']);
  });

  it("refuses a rotated-out key's messages once it is retired, and accepts the new key's at once", async () => {
    const oldKey = await guard.sign(sent());
    const rotation = await identity.rotate('sender', { actor: 'test', reason: 'test' });
    later((rotation.previous.signsUntil.getTime() - now.getTime()) / 1000 + 1);
    const newKey = await guard.sign(sent());
    expect(newKey.signature?.split('.')[0]).not.toBe(oldKey.signature?.split('.')[0]);
    expect(await reason(newKey)).toBe('accepted');
    // Within the grace, a message the old key made before the switch still passes.
    expect(await reason(oldKey, at(-61))).toBe('accepted');
    later((rotation.previous.verifiesUntil.getTime() - now.getTime()) / 1000 + 1);
    await identity.retireExpired({ actor: 'test' });
    expect(await reason(oldKey, at())).toBe('kid');
    expect(await reason(await guard.sign(sent()))).toBe('accepted');
  });

  it('fails closed when the keys cannot be read: no verdict, an error that leaves the delivery waiting', async () => {
    const event = await guard.sign(sent());
    const broken = await createIdentity({ settings, store: test.store, log, clock });
    const brokenGuard = broken.messageGuard({ platformTypes: [], replay, cacheMs: 1 });
    await test.store.query('alter table identity_keys rename to identity_keys_away');
    try {
      const err: unknown = await brokenGuard.verify(event, at()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(isWowError(err, 'WOW_ERR_MESSAGE_REFUSED')).toBe(false);
    } finally {
      await test.store.query('alter table identity_keys_away rename to identity_keys');
    }
  });
  it('reads the keys again ahead of their time: a lone message past it is verified without waiting for the store', async () => {
    // The store as it is, each query of the keys kept so the test knows when one came back.
    const keyReads: Promise<unknown>[] = [];
    const store = new Proxy(test.store, {
      get(target, name, receiver) {
        if (name !== 'query') return Reflect.get(target, name, receiver) as unknown;
        return (text: string, values?: unknown[]) => {
          const answer = target.query(text, values);
          if (text.includes('from identity_keys')) keyReads.push(answer.catch(() => undefined));
          return answer;
        };
      },
    });
    const watched = await createIdentity({ settings, store, log, clock });
    const held = watched.messageGuard({ platformTypes: [], replay, cacheMs: 5000 });
    const lone = () => guard.sign(sent());
    const verdict = async (event: CloudEvent) =>
      held.verify(event, at()).then(
        () => 'accepted',
        (err: unknown) => (isWowError(err, 'WOW_ERR_MESSAGE_REFUSED') ? String(err.data?.reason) : 'error'),
      );
    expect(await verdict(await lone())).toBe('accepted');
    // In the second half of the keys' 5 s: verified with the keys held, read again meanwhile.
    later(3);
    const reads = keyReads.length;
    expect(await verdict(await lone())).toBe('accepted');
    expect(keyReads.length).toBe(reads + 1);
    await Promise.all(keyReads);
    // Past the first read's time, within the second's, the store cannot be read: no wait for it.
    later(3);
    const past = await lone();
    await test.store.query('alter table identity_keys rename to identity_keys_away');
    try {
      expect(await verdict(past)).toBe('accepted');
    } finally {
      await test.store.query('alter table identity_keys_away rename to identity_keys');
    }
  });
});

describe.each([
  { name: 'in-process bus', redis: false },
  { name: 'Redis bus', redis: true },
])('signed messages through the $name', ({ redis }) => {
  let test: TestStore;
  let identity: Identity;
  let bus: Bus;
  let replayClient: Redis | undefined;
  const metrics = createMetrics({ defaultMetrics: false });
  const keyPrefix = `${uniqueName('signed')}:`;
  /** Applied to each signed envelope before it is published: how the tests forge. */
  let forge: (event: CloudEvent) => CloudEvent = (e) => e;

  beforeAll(async () => {
    const [postgres] = storeBackends('signedbus');
    if (postgres === undefined) throw new Error('no PostgreSQL backend');
    test = await postgres.open();
    identity = await createIdentity({ settings, store: test.store, log });
    for (const subject of ['platform', 'sender']) await identity.ensure(subject, { actor: 'test' });
    const r = release('sender', ['test.signed.sent']);
    await recordDraft(test.store, r);
    await activateVersion(test.store, r.agentId, r.treeHash, 'test');
    await identity.credentials.ensure('sender', { actor: 'test', force: true });
    replayClient = redis ? new Redis(testRedisUrl) : undefined;
    const real = identity.messageGuard({
      platformTypes: ['github.*'],
      replay: replayClient === undefined ? createMemoryReplayCache() : createRedisReplayCache(replayClient, keyPrefix),
    });
    bus = await createBus({
      ...(redis ? { redisUrl: testRedisUrl, keyPrefix } : {}),
      streamMaxLen: 1000,
      defaults: testBusDefaults,
      log,
      observer: metrics.bus,
      claimIntervalMs: 50,
      guard: {
        ...real,
        // Without the signer's text of the envelope, which the bus would otherwise send as is.
        seal: async (e) => {
          const { event, proof } = await real.seal(e);
          return { event: forge(event), proof };
        },
      },
    });
  });
  afterAll(async () => {
    await bus.close();
    replayClient?.disconnect();
    if (redis) await deleteRedisKeys(keyPrefix);
    await test.close();
  });

  it('delivers a signed message and answers a signed request; refuses a forged one and a replay before any handler', async () => {
    const handled: CloudEvent[] = [];
    await bus.subscribe({
      group: 'reader',
      types: ['test.signed.sent'],
      handler: async (e) => {
        handled.push(e);
        return { got: e.data };
      },
    });
    await bus.publish(sent({ n: 1 }));
    await eventually(() => handled.length === 1, 'the valid message handled');
    expect(handled[0]?.signature).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+~[\w-]{43}~0$/);
    expect(await bus.request(sent({ n: 2 }), { timeoutMs: 5000 })).toEqual({ got: { n: 2 } });

    // Tampered after signing: refused, into the security dead letters with its reason.
    forge = (e) => ({ ...e, data: { n: 666 } });
    await bus.publish(sent({ n: 3 }));
    // The same signed envelope published twice: the second entry is a replay.
    let first: CloudEvent | undefined;
    forge = (e) => (first ??= e);
    await bus.publish(sent({ n: 4 }));
    await bus.publish(sent({ n: 5 }));
    forge = (e) => e;
    await eventually(async () => (await bus.deadLetters.list({ group: 'security' })).length === 2, 'two refused');
    const refused = await bus.deadLetters.list({ group: 'security' });
    expect(refused.map((d) => d.error.data?.reason)).toEqual(['tampered', 'replay']);
    expect(refused.map((d) => d.error.code)).toEqual(['WOW_ERR_MESSAGE_REFUSED', 'WOW_ERR_MESSAGE_REFUSED']);
    expect(refused[0]?.error.data).toMatchObject({ group: 'reader' });
    await bus.publish(sent({ n: 6 }));
    await eventually(() => handled.length === 4, 'the next valid message handled');
    expect(handled.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }, { n: 6 }]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('wow_bus_messages_refused_total{group="reader",reason="tampered"} 1');
    expect(text).toContain('wow_bus_messages_refused_total{group="reader",reason="replay"} 1');
    expect(text).toContain('wow_security_violations_total{kind="message_refused"} 2');
  });

  it('redrives a dead letter signed again, and its group accepts its id once more', async () => {
    let failing = true;
    const done: unknown[] = [];
    await bus.subscribe({
      group: 'flaky',
      types: ['test.signed.sent'],
      handler: async (e) => {
        if (failing) throw new Error('not yet');
        done.push(e.data);
      },
    });
    await bus.publish(sent({ n: 'redriven' }));
    await eventually(async () => (await bus.deadLetters.list({ group: 'flaky' })).length === 1, 'dead-lettered');
    failing = false;
    expect(await bus.deadLetters.redrive('flaky')).toBe(1);
    await eventually(() => done.length === 1, 'handled after the redrive');
    expect(done).toEqual([{ n: 'redriven' }]);
    expect((await bus.deadLetters.list({ group: 'security' })).map((d) => d.error.data?.reason)).toEqual([
      'tampered',
      'replay',
    ]);
  });
});
