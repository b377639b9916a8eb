import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createStore, migrate, type Store } from '#platform';
import {
  fuseByReciprocalRank,
  readArticleFiles,
  searchArticles,
  searchFeatures,
  upsertArticle,
  type SearchFeatures,
} from '../src/index.ts';
import { testDatabaseUrl, uniqueName } from '../../../test/support/servers.ts';
import { conceptEmbedder } from './support/concept-embedder.ts';
import { openPglite } from '../../../test/support/open-pglite.ts';

const log = createLogger('silent');
const kb = fileURLToPath(new URL('../../../test/fixtures/support/kb', import.meta.url));
const resetPassword = {
  slug: 'reset-password',
  title: 'Reset your password',
  intent: 'account',
  body: 'Forgot your password? On the sign-in page choose Forgot password, and we email you a link that sets a new one. The link works for one hour.',
};

/** WowSupport's L1 answers alone from an article covering this share of the question (SUPPORT_L1_THRESHOLD). */
const l1Threshold = 0.6;

const backends: {
  name: string;
  features: SearchFeatures;
  open: (dir: string) => Promise<{ store: Store; stop: () => Promise<void> }>;
}[] = [
  {
    // The test schema is alone on the search_path, and pg_trgm lives in public: the search
    // must not depend on finding the extension there.
    name: 'PostgreSQL',
    features: { trigram: true, vector: false },
    open: async () => {
      const store = await createStore({
        url: testDatabaseUrl,
        dataDir: '.data',
        poolMax: 2,
        schema: uniqueName('kb'),
        log,
      });
      const schema = (await store.query<{ s: string }>('select current_schema() as s')).rows[0]?.s ?? '';
      return {
        store,
        stop: async () => {
          await store.close();
          const c = new pg.Client({ connectionString: testDatabaseUrl });
          await c.connect();
          await c.query(`drop schema if exists "${schema}" cascade`);
          await c.end();
        },
      };
    },
  },
  {
    name: 'embedded PGlite',
    features: { trigram: true, vector: false },
    open: async (dir) => {
      const store = await createStore({ dataDir: dir, poolMax: 1, log });
      return { store, stop: () => store.close() };
    },
  },
  { name: 'PGlite without pg_trgm', features: { trigram: false, vector: false }, open: () => openPglite({}) },
  {
    name: 'PGlite with pg_trgm and pgvector',
    features: { trigram: true, vector: true },
    open: () => openPglite({ pg_trgm, vector }),
  },
];

describe.each(backends)('knowledge-base search on $name', (backend) => {
  let store: Store;
  let stop: () => Promise<void>;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wow-kb-'));
    ({ store, stop } = await backend.open(dir));
    await migrate(store, { log });
    const { files } = await readArticleFiles(kb);
    for (const article of [...files.map((f) => f.article), resetPassword])
      await upsertArticle(store, article, { embedder: conceptEmbedder });
  });
  afterAll(async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports which of pg_trgm and pgvector it found', async () => {
    expect(await searchFeatures(store)).toEqual(backend.features);
  });

  it('finds what it finds by the words as typed, with full coverage and the passage, whatever the extensions', async () => {
    const [top] = await searchArticles(store, 'How do I reset my API key?');
    expect(top).toMatchObject({ slug: 'reset-api-key', title: 'Reset your API key', intent: 'how-to', coverage: 1 });
    expect(top?.excerpt).toContain('Rotate key');
    expect(await searchArticles(store, 'sponsorship conference')).toEqual([]);
    expect(await searchArticles(store, '')).toEqual([]);
  });

  // Every backend runs both: where pg_trgm exists, typos are tolerated; where not, the words count as typed.
  it('tolerates typos and partial words with pg_trgm, counting a resembling word below a known one, and without it takes the words as typed', async () => {
    if (backend.features.trigram) {
      const [top] = await searchArticles(store, 'pasword reset');
      expect(top).toMatchObject({ slug: 'reset-password', title: 'Reset your password' });
      expect(top?.coverage).toBeGreaterThan(0.8);
      expect(top?.coverage).toBeLessThan(1);
      expect(top?.excerpt).toContain('Forgot password');
      expect((await searchArticles(store, 'forgoten pasword'))[0]?.slug).toBe('reset-password');
      // A partial word: "signat" is no word of the knowledge base, "signatur" is.
      expect((await searchArticles(store, 'verify webhook signat'))[0]).toMatchObject({ slug: 'webhook-signatures' });
      // Enough for L1 to answer alone.
      const [typo] = await searchArticles(store, 'How do I reset my pasword?');
      expect(typo).toMatchObject({ slug: 'reset-password', intent: 'account' });
      expect(typo?.coverage).toBeGreaterThanOrEqual(l1Threshold);
      // Known words are never "corrected": the invoice question still covers too little.
      expect(
        (await searchArticles(store, 'Our March invoice charges us twice for the same seats, please refund one.'))[0]
          ?.coverage,
      ).toBeLessThan(0.6);
    } else {
      const [top] = await searchArticles(store, 'pasword reset');
      expect(top?.coverage).toBe(0.5);
      // Without trigrams a word still matches a known word it begins with ("forgot"), below 1.
      const [prefix] = await searchArticles(store, 'forgoten pasword');
      expect(prefix).toMatchObject({ slug: 'reset-password' });
      expect(prefix?.coverage).toBeLessThan(0.5);
      expect((await searchArticles(store, 'How do I reset my pasword?'))[0]?.coverage ?? 0).toBeLessThan(l1Threshold);
    }
  });

  it('ranks by the words that tell articles apart, a title match first, then the title the question covers most', async () => {
    const articles = [
      // Its body repeats the question's words; its title is about something else.
      {
        slug: 'rank-audit',
        title: 'Read the audit log',
        body: 'Transfer agent records, transfer agent regions, transfer every agent in another region: all are logged.',
      },
      { slug: 'rank-heartbeat', title: 'Transfer the agent heartbeat in another region', body: 'Open the agent list.' },
      { slug: 'rank-agent', title: 'Transfer the agent in another region', body: 'Open the agent list.' },
      { slug: 'rank-token', title: 'Transfer the access token in another region', body: 'Open the token list.' },
    ];
    for (const a of articles) await upsertArticle(store, { ...a, intent: 'how-to' });
    try {
      const first = async (q: string) => (await searchArticles(store, q))[0]?.slug;
      expect(await first('How do I transfer the agent in another region?')).toBe('rank-agent');
      expect(await first('How do I transfer the agent heartbeat in another region?')).toBe('rank-heartbeat');
      // A word cut short matches the known word it begins, with or without pg_trgm.
      expect(await first('How do I transf the agent heartbeat in another region?')).toBe('rank-heartbeat');
      const { rows } = await store.query<{ n: string }>('select n from kb_article_count');
      expect(Number(rows[0]?.n)).toBe(
        Number((await store.query<{ n: string }>('select count(*) as n from kb_articles')).rows[0]?.n),
      );
    } finally {
      await store.query(`delete from kb_articles where slug like 'rank-%'`);
    }
  });

  it('counts the articles using each word as articles are written, edited and deleted', async () => {
    const ndoc = async (w: string) =>
      (await store.query<{ n: number }>('select ndoc as n from kb_lexemes where lexeme = $1', [w])).rows[0]?.n;
    const before = await ndoc('rotat');
    await upsertArticle(store, { slug: 'rotate-once', title: 'Rotate once', body: 'Zebracorn.', intent: 'how-to' });
    expect([await ndoc('zebracorn'), await ndoc('rotat')]).toEqual([1, (before ?? 0) + 1]);
    await upsertArticle(store, { slug: 'rotate-once', title: 'Rotate once', body: 'Nothing else.', intent: 'how-to' });
    expect([await ndoc('zebracorn'), await ndoc('rotat')]).toEqual([0, (before ?? 0) + 1]);
    await store.query(`delete from kb_articles where slug = 'rotate-once'`);
    expect(await ndoc('rotat')).toBe(before);
  });

  it('adds the articles nearest by meaning with pgvector and an embedder, their coverage still from words, and ignores the embedder without it', async () => {
    if (backend.features.vector) {
      // No word in common with "Reset your password": only the embedding finds it.
      expect((await searchArticles(store, 'I am locked out of my login')).map((h) => h.slug)).not.toContain(
        'reset-password',
      );
      const hits = await searchArticles(store, 'I am locked out of my login', 3, { embedder: conceptEmbedder });
      expect(hits[0]).toMatchObject({ slug: 'reset-password', coverage: 0 });
      expect(hits[0]?.similarity).toBeGreaterThan(0.9);
      // So L1 never answers alone from a vector's guess.
      expect(hits[0]?.coverage).toBeLessThan(l1Threshold);
    } else {
      const hits = await searchArticles(store, 'I am locked out of my login', 3, { embedder: conceptEmbedder });
      expect(hits.map((h) => h.slug)).not.toContain('reset-password');
    }
  });
});

describe('reciprocal rank fusion', () => {
  it('puts first what both orders rank high', () => {
    expect(fuseByReciprocalRank(['a', 'b', 'c'], ['b', 'd'])).toEqual(['b', 'a', 'd', 'c']);
  });
});
