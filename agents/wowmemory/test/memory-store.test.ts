import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createError,
  createLogger,
  createMetrics,
  isWowError,
  migrate,
  type Embedder,
  type MemoryBackend,
  type MemoryOwner,
  type Store,
} from '#platform';
import { createMemory, forgetCustomer, memorySettings, memoryUsage, type MemorySettings } from '../src/index.ts';
import { sweepExpired } from '../src/sweep-expired.ts';
import { openPglite } from '../../../test/support/open-pglite.ts';
import { storeBackends } from '../../../test/support/test-stores.ts';

const log = createLogger('silent');

// The memory's contract on every store it runs on: the real server, the embedded default,
// and a PGlite without pg_trgm (recall by the words as typed).
const backends = [
  ...storeBackends('memory').map((b) => ({ name: b.name, trigram: true, open: b.open })),
  {
    name: 'PGlite without pg_trgm',
    trigram: false,
    open: async () => {
      const { store, stop } = await openPglite({});
      await migrate(store, { log });
      return { store, close: stop };
    },
  },
  {
    name: 'PGlite with pg_trgm over the wire',
    trigram: true,
    open: async () => {
      const { store, stop } = await openPglite({ pg_trgm });
      await migrate(store, { log });
      return { store, close: stop };
    },
  },
];

const settings: MemorySettings = memorySettings.parse({
  maxFactsPerCustomer: '3',
  maxFactsPerAgent: '5',
  maxMessagesPerCustomer: '4',
  maxValueBytes: '200',
  maxMessageBytes: '300',
});
const by = { agent: 'wowsupport', eventId: 'evt-1' };
let seq = 0;
const customer = (): MemoryOwner => ({ kind: 'customer', id: `acme-${++seq}` });

describe.each(backends)('memory on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  let now = new Date('2026-12-01T10:00:00Z');
  let memory: MemoryBackend;
  const tick = () => (now = new Date(now.getTime() + 1_000));

  beforeAll(async () => {
    ({ store, close } = await backend.open());
    memory = createMemory(store, { settings, clock: () => now });
  });
  afterAll(() => close());

  it('reports pg_trgm as the server offers it', async () => {
    const { rows } = await store.query<{ feature: string }>('select feature from memory_features order by feature');
    expect(rows.map((r) => r.feature)).toEqual(backend.trigram ? ['trigram'] : []);
  });

  it('keeps a fact with its provenance, replaces it on a second write, and forgets it', async () => {
    const acme = customer();
    await memory.remember(acme, { key: 'plan', value: { name: 'Pro', seats: 12 } }, by);
    expect(await memory.fact(acme, 'plan')).toEqual({
      key: 'plan',
      value: { name: 'Pro', seats: 12 },
      agent: 'wowsupport',
      eventId: 'evt-1',
      writtenAt: now,
      expiresAt: undefined,
    });
    tick();
    await memory.remember(acme, { key: 'plan', value: 'Enterprise' }, { agent: 'wowmemory', eventId: undefined });
    expect(await memory.fact(acme, 'plan')).toMatchObject({
      value: 'Enterprise',
      agent: 'wowmemory',
      eventId: undefined,
    });
    expect(await memory.facts(acme)).toHaveLength(1);
    expect(await memory.forget(acme, 'plan')).toBe(true);
    expect(await memory.forget(acme, 'plan')).toBe(false);
    expect(await memory.fact(acme, 'plan')).toBeUndefined();
    // One recall entry per fact, gone with it.
    expect((await memoryUsage(store, acme)).recall).toBe(0);
  });

  it('keeps one owner’s facts apart from another’s, and a customer’s apart from an agent’s of the same name', async () => {
    const a = customer();
    const b = customer();
    await memory.remember(a, { key: 'product', value: 'Widgets' }, by);
    expect(await memory.fact(b, 'product')).toBeUndefined();
    expect(await memory.fact({ kind: 'agent', id: a.id }, 'product')).toBeUndefined();
    expect(await memory.recall(b, 'Widgets')).toEqual([]);
  });

  it('stops reading a fact when its TTL passes, and the sweep deletes it', async () => {
    const acme = customer();
    await memory.remember(acme, { key: 'otp.pending', value: true, ttlMs: 60_000 }, by);
    expect(await memory.fact(acme, 'otp.pending')).toMatchObject({ expiresAt: new Date(now.getTime() + 60_000) });
    now = new Date(now.getTime() + 60_001);
    expect(await memory.fact(acme, 'otp.pending')).toBeUndefined();
    expect(await memory.facts(acme)).toEqual([]);
    expect((await memoryUsage(store, acme)).facts).toBe(1);
    expect(await sweepExpired(store, now)).toBeGreaterThanOrEqual(1);
    expect(await memoryUsage(store, acme)).toMatchObject({ facts: 0, recall: 0 });
  });

  it('evicts the oldest facts past the limit and counts them', async () => {
    const acme = customer();
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      tick();
      await memory.remember(acme, { key, value: key }, by);
    }
    expect((await memory.facts(acme)).map((f) => f.key)).toEqual(['e', 'd', 'c']);
    expect(await memoryUsage(store, acme)).toMatchObject({ facts: 3, recall: 3, evicted: { facts: 2, messages: 0 } });
    // Rewriting the oldest makes it the newest: "c" goes next, not "c"'s rewrite.
    tick();
    await memory.remember(acme, { key: 'c', value: 'again' }, by);
    tick();
    await memory.remember(acme, { key: 'f', value: 'f' }, by);
    expect((await memory.facts(acme)).map((f) => f.key)).toEqual(['f', 'c', 'e']);
    expect((await memoryUsage(store, acme)).evicted.facts).toBe(3);
  });

  it('appends conversation history, reads the last N oldest first, and evicts the oldest messages past the limit', async () => {
    const acme = customer();
    for (let i = 1; i <= 6; i++) {
      tick();
      await memory.append(acme, { role: i % 2 === 1 ? 'customer' : 'agent', text: `message ${i}` }, by);
    }
    expect((await memory.history(acme, { limit: 2 })).map((m) => m.text)).toEqual(['message 5', 'message 6']);
    const all = await memory.history(acme);
    expect(all.map((m) => m.text)).toEqual(['message 3', 'message 4', 'message 5', 'message 6']);
    expect(all[0]).toMatchObject({ role: 'customer', agent: 'wowsupport', eventId: 'evt-1' });
    expect(await memoryUsage(store, acme)).toMatchObject({ messages: 4, recall: 4, evicted: { messages: 2 } });
  });

  it('recalls facts and messages by the words of a question, best first, and by a typo where pg_trgm exists', async () => {
    const acme = customer();
    await memory.remember(acme, { key: 'support.plan', value: 'Enterprise subscription, billed yearly' }, by);
    await memory.append(acme, { role: 'customer', text: 'Our invoices should go to finance@acme.example' }, by);
    await memory.append(acme, { role: 'agent', text: 'Webhook retries back off exponentially' }, by);
    const [top] = await memory.recall(acme, 'Which subscription are we on?');
    expect(top).toMatchObject({ source: 'fact', key: 'support.plan' });
    expect(top?.text).toContain('Enterprise subscription');
    const invoices = await memory.recall(acme, 'invoice address', { limit: 1 });
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ source: 'message', key: undefined });
    expect(invoices[0]?.text).toContain('finance@acme.example');
    const typo = await memory.recall(acme, 'subscriptoin');
    if (backend.trigram) expect(typo[0]).toMatchObject({ key: 'support.plan' });
    else expect(typo).toEqual([]);
    expect(await memory.recall(acme, 'sponsorship conference')).toEqual([]);
  });

  it('refuses what it cannot keep, by name, and writes nothing of it', async () => {
    const acme = customer();
    const refusal = async (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (err: unknown) => err,
      );
    const tooBig = await refusal(memory.remember(acme, { key: 'big', value: 'x'.repeat(300) }, by));
    expect(isWowError(tooBig, 'WOW_ERR_MEMORY_TOO_LARGE')).toBe(true);
    expect((tooBig as Error).message).toContain('WOWMEMORY_MAX_VALUE_BYTES');
    for (const key of ['', ' spaced', 'a'.repeat(201), '../etc', 'x\u0000y'])
      expect(isWowError(await refusal(memory.remember(acme, { key, value: 1 }, by)), 'WOW_ERR_MEMORY_INPUT')).toBe(
        true,
      );
    expect(
      isWowError(await refusal(memory.remember(acme, { key: 'f', value: () => 1 }, by)), 'WOW_ERR_MEMORY_INPUT'),
    ).toBe(true);
    expect(
      isWowError(await refusal(memory.remember(acme, { key: 'n', value: 'a\u0000b' }, by)), 'WOW_ERR_MEMORY_INPUT'),
    ).toBe(true);
    expect(
      isWowError(await refusal(memory.remember(acme, { key: 't', value: 1, ttlMs: -5 }, by)), 'WOW_ERR_MEMORY_INPUT'),
    ).toBe(true);
    const badRole = memory.append(acme, { role: 'admin' as 'agent', text: 'hi' }, by);
    expect(isWowError(await refusal(badRole), 'WOW_ERR_MEMORY_INPUT')).toBe(true);
    const longMessage = memory.append(acme, { role: 'customer', text: 'é'.repeat(200) }, by);
    expect(isWowError(await refusal(longMessage), 'WOW_ERR_MEMORY_TOO_LARGE')).toBe(true);
    expect(isWowError(await refusal(memory.history(acme, { limit: 0 })), 'WOW_ERR_MEMORY_INPUT')).toBe(true);
    expect(isWowError(await refusal(memory.recall(acme, '')), 'WOW_ERR_MEMORY_INPUT')).toBe(true);
    expect(await memoryUsage(store, acme)).toMatchObject({ facts: 0, messages: 0, recall: 0 });
  });

  it('forgets a customer everywhere, says how much per kind, and leaves other customers and agents alone', async () => {
    const gone = customer();
    const kept = customer();
    const agent: MemoryOwner = { kind: 'agent', id: 'wowsupport' };
    for (const key of ['a', 'b', 'c', 'd']) {
      tick();
      await memory.remember(gone, { key, value: `fact ${key}` }, by);
    }
    await memory.append(gone, { role: 'customer', text: 'hello' }, by);
    await memory.remember(kept, { key: 'a', value: 'kept' }, by);
    await memory.remember(agent, { key: 'a', value: 'mine' }, by);
    const report = await forgetCustomer(store, gone.id);
    expect(report).toEqual({ customer: gone.id, facts: 3, messages: 1, recall: 4, embeddings: 0, evictions: 1 });
    // Every table of WowMemory's that holds an owner: nothing of the customer remains.
    for (const table of ['memory_facts', 'memory_messages', 'memory_recall', 'memory_evictions']) {
      const { rows } = await store.query<{ n: number }>(
        `select count(*)::int as n from ${table} where owner_kind = 'customer' and owner = $1`,
        [gone.id],
      );
      expect({ table, n: rows[0]?.n }).toEqual({ table, n: 0 });
    }
    expect(await memory.recall(gone, 'fact')).toEqual([]);
    expect((await memory.fact(kept, 'a'))?.value).toBe('kept');
    expect((await memory.fact(agent, 'a'))?.value).toBe('mine');
    expect(await forgetCustomer(store, gone.id)).toMatchObject({ facts: 0, messages: 0, recall: 0, evictions: 0 });
  });
});

// A stand-in for an embedding model, for the vector path's plumbing: each dimension is a
// concept, and a text's vector counts the words it uses of each.
const concepts = [
  ['invoice', 'billing', 'refund', 'subscription', 'plan'],
  ['password', 'login', 'locked'],
  ['webhook', 'signature'],
];
const conceptEmbedder = (model: string, fail = false): Embedder => ({
  model,
  embed: (texts) =>
    fail
      ? Promise.reject(createError('WOW_ERR_EMBEDDINGS', { model, reason: 'down', variables: 'WOWMEMORY_EMBEDDINGS' }))
      : Promise.resolve(
          texts.map((t) => {
            const words = t.toLowerCase().split(/[^a-z]+/);
            return concepts.map((c) => words.filter((w) => c.some((k) => w.startsWith(k))).length + 0.01);
          }),
        ),
});

describe('recall by meaning on PGlite with pg_trgm and pgvector', () => {
  let store: Store;
  let stop: () => Promise<void>;
  const acme: MemoryOwner = { kind: 'customer', id: 'acme' };
  beforeAll(async () => {
    ({ store, stop } = await openPglite({ pg_trgm, vector }));
    await migrate(store, { log });
  });
  afterAll(() => stop());

  it('finds an entry sharing no word with the query by its embedding, only with a model, and forgets its embeddings too', async () => {
    const { rows } = await store.query<{ feature: string }>('select feature from memory_features order by feature');
    expect(rows.map((r) => r.feature)).toEqual(['trigram', 'vector']);
    const withModel = createMemory(store, { settings, embedder: conceptEmbedder('concepts-v1') });
    await withModel.remember(acme, { key: 'support.plan', value: 'Enterprise subscription' }, by);
    await withModel.append(acme, { role: 'customer', text: 'I am locked out after a password change' }, by);
    const [top] = await withModel.recall(acme, 'billing question');
    expect(top).toMatchObject({ source: 'fact', key: 'support.plan' });
    expect(await withModel.recall(acme, 'cannot login')).toMatchObject([{ source: 'message' }]);
    // Without a model, or with another model's vectors, recall is by words alone.
    const byWords = createMemory(store, { settings });
    expect(await byWords.recall(acme, 'billing question')).toEqual([]);
    const otherModel = createMemory(store, { settings, embedder: conceptEmbedder('concepts-v2') });
    expect(await otherModel.recall(acme, 'billing question')).toEqual([]);
    expect(await forgetCustomer(store, 'acme')).toMatchObject({ facts: 1, messages: 1, recall: 2, embeddings: 2 });
    const { rows: left } = await store.query('select 1 from memory_embeddings');
    expect(left).toEqual([]);
  });

  it('keeps an entry without its vector when the model fails, and recalls it by its words', async () => {
    const down = createMemory(store, { settings, embedder: conceptEmbedder('concepts-v1', true) });
    await down.remember(acme, { key: 'support.product', value: 'Webhooks relay' }, by);
    expect(await memoryUsage(store, acme)).toMatchObject({ facts: 1, recall: 1, embeddings: 0 });
    expect(await down.recall(acme, 'webhooks')).toMatchObject([{ key: 'support.product' }]);
  });
});

describe('memory in /metrics', () => {
  it('shows what the limits evicted and what is held, per kind of owner, from the tables', async () => {
    const [embedded] = storeBackends('memmetrics').filter((b) => b.name === 'embedded PGlite');
    const { store, close } = await (embedded as (typeof backends)[number]).open();
    try {
      const metrics = createMetrics();
      const memory = createMemory(store, { settings, metrics });
      for (const key of ['a', 'b', 'c', 'd', 'e'])
        await memory.remember({ kind: 'customer', id: 'acme' }, { key, value: key }, by);
      await memory.remember({ kind: 'agent', id: 'wowsupport' }, { key: 'a', value: 1 }, by);
      const text = await metrics.metricsText();
      expect(text).toContain('wow_memory_evicted_entries{owner_kind="customer",kind="fact"} 2');
      expect(text).toContain('wow_memory_entries{owner_kind="customer",kind="fact"} 3');
      expect(text).toContain('wow_memory_entries{owner_kind="agent",kind="fact"} 1');
    } finally {
      await close();
    }
  });
});
