import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBus,
  createEvent,
  createIdentity,
  createLogger,
  createMetrics,
  loadConfig,
  type AgentRelease,
  type Bus,
  type CloudEvent,
  type Identity,
  type MessageGuard,
} from '#platform';
import { eventually, testBusDefaults } from '#platform/testing';
import { activateVersion, recordDraft } from '../../deploy/version-registry.ts';
import { createMemoryReplayCache, createRedisReplayCache } from '../messages/replay-cache.ts';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';

// Signed batches on the wire (docs/security.md, "Signed messages"): a batch's proof is
// carried once, in the stream entry after the batch's envelopes, and each envelope names
// it. Every delivery must still be checkable alone: a consumer holding part of a batch
// (a small read, another consumer of its group, a claim after a crash, a stream trimmed
// from its old end) fetches the proof; an entry whose proof is missing, forged, another
// sender's or another batch's is refused, never handled.
const settings = loadConfig({
  PUBLIC_URL: 'https://waooaw.example.com',
  IDENTITY_MASTER_KEY: Buffer.alloc(32, 6).toString('base64'),
}).identity;
const log = createLogger('silent');

function release(agentId: string, emits: string[]): AgentRelease {
  return {
    agentId,
    treeHash: agentId.length.toString(16).padStart(40, 'a'),
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

const sent = (n: number, source = 'urn:wow:agent:batcher') =>
  createEvent({ type: 'test.batch.sent', data: { n }, source });

/** Publishes `count` events in one turn: the signer makes them one batch. */
const burst = (bus: Bus, from: number, count: number) =>
  Promise.all(Array.from({ length: count }, (_, i) => bus.publish(sent(from + i))));

describe('signed batches through the Redis bus', () => {
  let test: TestStore;
  let identity: Identity;
  let guard: MessageGuard;
  let bus: Bus;
  let redis: Redis;
  const keyPrefix = `${uniqueName('batches')}:`;
  const stream = `${keyPrefix}stream:test.batch`;
  const metrics = createMetrics({ defaultMetrics: false });

  beforeAll(async () => {
    const [postgres] = storeBackends('batches');
    if (postgres === undefined) throw new Error('no PostgreSQL backend');
    test = await postgres.open();
    identity = await createIdentity({ settings, store: test.store, log });
    for (const subject of ['platform', 'batcher', 'other']) await identity.ensure(subject, { actor: 'test' });
    for (const r of [release('batcher', ['test.batch.sent']), release('other', ['test.batch.sent'])]) {
      await recordDraft(test.store, r);
      await activateVersion(test.store, r.agentId, r.treeHash, 'test');
      await identity.credentials.ensure(r.agentId, { actor: 'test', force: true });
    }
    redis = new Redis(testRedisUrl);
    guard = identity.messageGuard({ platformTypes: [], replay: createRedisReplayCache(redis, keyPrefix) });
    bus = await createBus({
      redisUrl: testRedisUrl,
      keyPrefix,
      streamMaxLen: 10_000,
      defaults: testBusDefaults,
      log,
      observer: metrics.bus,
      claimIntervalMs: 50,
      guard,
    });
  });
  afterAll(async () => {
    await bus.close();
    redis.disconnect();
    await deleteRedisKeys(keyPrefix);
    await test.close();
  });

  /** The stream's entries after `from`, as field maps. */
  const entriesAfter = async (from = '-') =>
    ((await redis.xrange(stream, from, '+')) as [string, string[]][]).map(([id, fields]) => {
      const map = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? '', fields[i + 1] ?? '');
      return { id, fields: map };
    });
  const handledBy = async (group: string, opts: { concurrency?: number; consumer?: string } = {}) => {
    const got: number[] = [];
    const handle = await bus.subscribe({
      group,
      types: ['test.batch.sent'],
      ...opts,
      handler: async (e) => void got.push((e.data as { n: number }).n),
    });
    return { got, handle };
  };
  const refusedIn = async (group: string) =>
    (await bus.deadLetters.list({ group: 'security' }))
      .filter((d) => d.error.data?.group === group)
      .map((d) => d.error.data?.reason);

  it('writes a batch as its envelopes and then its proof, once; a reader taking a few at a time fetches the proof', async () => {
    const before = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1))[0]?.[0] ?? '-';
    // Reads of at most 3 entries: every read holds part of the batch, most without its proof.
    const small = await handledBy('small', { concurrency: 3 });
    const whole = await handledBy('whole');
    await burst(bus, 0, 10);
    await eventually(() => small.got.length === 10 && whole.got.length === 10, 'all ten handled by both groups');
    expect([...small.got].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const entries = (await entriesAfter(before)).filter((e) => e.id !== before);
    expect(entries).toHaveLength(11);
    const proof = entries[10]?.fields.get('h') ?? '';
    expect(proof).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+~[\w-]{43}(\.[\w-]{43}){9}$/);
    entries.slice(0, 10).forEach((e, i) => {
      const event = JSON.parse(e.fields.get('e') ?? '{}') as CloudEvent;
      // Each envelope names the proof (its dig and its place) and says how far on it is; the
      // first carries the proof too, for a reader that takes the batch in several reads.
      expect(event.signature).toMatch(new RegExp(`^[\\w-]{43}~${i}$`));
      expect(e.fields.get('b')).toBe(String(10 - i));
      expect(e.fields.get('h')).toBe(i === 0 ? proof : undefined);
    });
    // The proof entry is acked by every group, never handled.
    await eventually(async () => {
      const groups = (await bus.stats()).topics.find((t) => t.topic === 'test.batch')?.groups ?? [];
      return groups.length >= 2 && groups.every((g) => g.pending === 0);
    }, 'nothing pending');
    expect(await refusedIn('small')).toEqual([]);
    await small.handle.stop();
    await whole.handle.stop();
  });

  it('takes a batch in reads of a few with the proof its first envelope carries, fetching none', async () => {
    await redis.xgroup('CREATE', stream, 'headed', '$', 'MKSTREAM');
    await burst(bus, 900, 10);
    // The proof entry after the batch deleted: a reader that fetched would find no proof, and
    // refuse. The first read has the first envelope's copy; later reads, the verdict it got.
    const newest = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1))[0];
    const [proofId = '', fields = []] = newest ?? [];
    expect(fields[0]).toBe('h');
    await redis.xdel(stream, proofId);
    const reader = await handledBy('headed', { concurrency: 3 });
    await eventually(() => reader.got.length === 10, 'all ten handled');
    expect([...reader.got].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 900 + i));
    expect(await refusedIn('headed')).toEqual([]);
    await reader.handle.stop();
  });

  it('lets two consumers of one group split a batch, each checking its share', async () => {
    const one = await handledBy('split', { consumer: 'one', concurrency: 4 });
    const two = await handledBy('split', { consumer: 'two', concurrency: 4 });
    await burst(bus, 100, 24);
    await eventually(() => one.got.length + two.got.length === 24, 'all handled once between them');
    expect([...one.got, ...two.got].sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => 100 + i));
    expect(await refusedIn('split')).toEqual([]);
    await one.handle.stop();
    await two.handle.stop();
  });

  it('verifies entries claimed from a consumer that crashed holding a batch and its proof', async () => {
    await redis.xgroup('CREATE', stream, 'claimed', '$', 'MKSTREAM');
    await burst(bus, 200, 6);
    // A consumer reads the whole batch, proof included, and dies before acking any of it.
    const read = (await redis.xreadgroup('GROUP', 'claimed', 'crashed', 'COUNT', 100, 'STREAMS', stream, '>')) as [
      string,
      [string, string[]][],
    ][];
    expect(read[0]?.[1]).toHaveLength(7);
    const survivor = await handledBy('claimed', { consumer: 'survivor' });
    await eventually(() => survivor.got.length === 6, 'the claimed batch handled', 5000);
    expect([...survivor.got].sort((a, b) => a - b)).toEqual([200, 201, 202, 203, 204, 205]);
    expect(await refusedIn('claimed')).toEqual([]);
    await eventually(
      async () =>
        (await bus.stats()).topics.find((t) => t.topic === 'test.batch')?.groups.find((g) => g.group === 'claimed')
          ?.pending === 0,
      'the proof entry acked too',
    );
    await survivor.handle.stop();
  });

  it('keeps the proof when the stream is trimmed from its old end: what is left of the batch still passes', async () => {
    await redis.xgroup('CREATE', stream, 'trimmed', '$', 'MKSTREAM');
    await burst(bus, 300, 8);
    // Trim exactly: the batch's first five envelopes go; three and the proof after them stay.
    await redis.xtrim(stream, 'MAXLEN', 4);
    const left = await entriesAfter();
    expect(left.map((e) => (e.fields.has('h') ? 'proof' : 'envelope'))).toEqual([
      'envelope',
      'envelope',
      'envelope',
      'proof',
    ]);
    const late = await handledBy('trimmed', { concurrency: 2 });
    await eventually(() => late.got.length === 3, 'what is left handled');
    expect([...late.got].sort((a, b) => a - b)).toEqual([305, 306, 307]);
    expect(await refusedIn('trimmed')).toEqual([]);
    await late.handle.stop();
  });

  it('refuses an entry whose proof is missing, forged, another batch’s or another sender’s, and handles none of them', async () => {
    // The group reads once everything is written, as it would a batch written in one step.
    await redis.xgroup('CREATE', stream, 'forged', '$', 'MKSTREAM');
    // Genuine batches to take parts from: the sender's, and one of another agent.
    const own = await Promise.all([0, 1, 2].map((n) => guard.seal(sent(400 + n))));
    const theirs = await Promise.all([0, 1].map((n) => guard.seal(sent(500 + n, 'urn:wow:agent:other'))));
    const proof = own[0]?.proof ?? '';
    const theirProof = theirs[0]?.proof ?? '';
    const envelope = (i: number) => JSON.stringify(own[i]?.event);
    const append = async (fields: string[]) => redis.xadd(stream, '*', ...fields);
    // 1. No proof within its distance: the next entry is an envelope.
    await append(['e', envelope(0), 'b', '1']);
    // 2. A proof whose JWS was changed after signing.
    const [jws = '', digests = ''] = proof.split('~');
    const [h, p, s] = jws.split('.');
    const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const longer = Buffer.from(JSON.stringify({ ...claims, exp: Number(claims.exp) + 30 })).toString('base64url');
    await append(['e', envelope(1), 'b', '1']);
    await append(['h', `${h ?? ''}.${longer}.${s ?? ''}~${digests}`]);
    // 3. Another genuine batch's proof of the same sender after one of this batch's envelopes.
    const another = await Promise.all([0, 1].map((n) => guard.seal(sent(600 + n))));
    await append(['e', envelope(2), 'b', '1']);
    await append(['h', another[0]?.proof ?? '']);
    // 4. Another sender's genuine proof, its envelope's source rewritten to this sender.
    const posing = { ...theirs[0]?.event, source: 'urn:wow:agent:batcher' };
    await append(['e', JSON.stringify(posing), 'b', '1']);
    await append(['h', theirProof]);
    const forged = await handledBy('forged');
    await eventually(async () => (await refusedIn('forged')).length === 4, 'four refused', 5000);
    expect((await refusedIn('forged')).sort()).toEqual(['sender', 'signature', 'tampered', 'unproven']);
    expect(forged.got).toEqual([]);
    await forged.handle.stop();
  });

  it('keeps publish options within a batch: a de-duplication key seen before or twice in it, partition links, one group', async () => {
    const before = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1))[0]?.[0] ?? '-';
    const first = await bus.publish(sent(800), { dedupeKey: 'hook-1' });
    const keyed = (n: number) => createEvent({ ...sent(n), partitionkey: 'order-9' });
    const results = await Promise.all([
      bus.publish(sent(801), { dedupeKey: 'hook-1' }),
      bus.publish(sent(802), { dedupeKey: 'hook-2' }),
      bus.publish(sent(803), { dedupeKey: 'hook-2' }),
      bus.publish(keyed(804)),
      bus.publish(keyed(805)),
      bus.publish(sent(806), { onlyGroup: 'nobody' }),
    ]);
    expect(results.map((r) => r.duplicate)).toEqual([true, false, true, false, false, false]);
    expect(results[0]?.entryId).toBe(first.entryId);
    expect(results[2]?.entryId).toBe(results[1]?.entryId);
    const written = (await entriesAfter(before)).filter((e) => e.id !== before && e.id !== first.entryId);
    // 802, 804, 805 and 806, then their batch's proof; 805 links to 804, 806 is for one group.
    expect(
      written.map((e) => (e.fields.has('e') ? (JSON.parse(e.fields.get('e') ?? '{}') as CloudEvent).data : 'proof')),
    ).toEqual([{ n: 802 }, { n: 804 }, { n: 805 }, { n: 806 }, 'proof']);
    expect(written.map((e) => e.fields.get('b'))).toEqual(['4', '3', '2', '1', undefined]);
    // The first envelope carries the proof too.
    expect(written.map((e) => e.fields.has('h'))).toEqual([true, false, false, false, true]);
    expect(written[0]?.fields.get('h')).toBe(written[4]?.fields.get('h'));
    expect(written[2]?.fields.get('p')).toBe(written[1]?.id);
    expect(written[3]?.fields.get('g')).toBe('nobody');
  });

  it('redrives one dead letter of a batch, signed again alone, and its group accepts it', async () => {
    let fail = 702;
    const done: number[] = [];
    const flaky = await bus.subscribe({
      group: 'redriven',
      types: ['test.batch.sent'],
      maxAttempts: 1,
      handler: async (e) => {
        const { n } = e.data as { n: number };
        if (n === fail) throw new Error('not this one, yet');
        done.push(n);
      },
    });
    await burst(bus, 700, 5);
    await eventually(async () => (await bus.deadLetters.list({ group: 'redriven' })).length === 1, 'one dead letter');
    await eventually(() => done.length === 4, 'the others handled');
    fail = -1;
    const [letter] = await bus.deadLetters.list({ group: 'redriven' });
    expect(letter?.event.signature).toMatch(/^[\w-]{43}~2$/);
    expect(await bus.deadLetters.redrive('redriven', [letter?.id ?? ''])).toBe(1);
    await eventually(() => done.length === 5, 'handled after the redrive');
    expect(done.at(-1)).toBe(702);
    expect(await refusedIn('redriven')).toEqual([]);
    await flaky.stop();
  });
});

describe('signed batches through the in-process bus', () => {
  let test: TestStore;
  let bus: Bus;

  beforeAll(async () => {
    const [postgres] = storeBackends('batchesmem');
    if (postgres === undefined) throw new Error('no PostgreSQL backend');
    test = await postgres.open();
    const identity = await createIdentity({ settings, store: test.store, log });
    for (const subject of ['platform', 'batcher']) await identity.ensure(subject, { actor: 'test' });
    const r = release('batcher', ['test.batch.sent']);
    await recordDraft(test.store, r);
    await activateVersion(test.store, r.agentId, r.treeHash, 'test');
    await identity.credentials.ensure('batcher', { actor: 'test', force: true });
    const guard = identity.messageGuard({ platformTypes: [], replay: createMemoryReplayCache() });
    bus = await createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log, claimIntervalMs: 50, guard });
  });
  afterAll(async () => {
    await bus.close();
    await test.close();
  });

  it('hands each delivery its batch’s proof: a batch read a few at a time passes whole; an envelope changed since does not', async () => {
    const got: CloudEvent[] = [];
    await bus.subscribe({
      group: 'first',
      types: ['test.batch.sent'],
      concurrency: 2,
      handler: async (e) => {
        // A handler that changes what it was given: in one process, every group's copy is this object.
        if ((e.data as { n: number }).n === 3) (e.data as { n: number }).n = 33;
        got.push(e);
      },
    });
    await burst(bus, 0, 7);
    await eventually(() => got.length === 7, 'all seven handled by the first reader');
    expect(got.every((e) => /^[\w-]{43}~\d$/.test(e.signature ?? ''))).toBe(true);
    // A group reading the topic from its start afterwards: the changed envelope is refused, the rest pass.
    const later: number[] = [];
    await bus.subscribe({
      group: 'later',
      types: ['test.batch.sent'],
      fromStart: true,
      handler: async (e) => void later.push((e.data as { n: number }).n),
    });
    await eventually(async () => (await bus.deadLetters.list({ group: 'security' })).length === 1, 'one refused');
    await eventually(() => later.length === 6, 'the others handled');
    expect([...later].sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6]);
    const [refused] = await bus.deadLetters.list({ group: 'security' });
    expect(refused?.error.data).toMatchObject({ reason: 'tampered', group: 'later' });
  });
});
