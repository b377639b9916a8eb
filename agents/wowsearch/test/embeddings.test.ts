import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder, createLogger, isWowError, migrate, type Store } from '#platform';
import { createOpenAiDouble, serveOpenAiDouble } from '../../../test/doubles/openai-api.ts';
import {
  embedStaleArticles,
  importArticles,
  searchArticles,
  searchFeatures,
  searchKnowledgeBase,
} from '../src/index.ts';
import { conceptVector } from './support/concept-embedder.ts';
import { openPglite } from '../../../test/support/open-pglite.ts';

const log = createLogger('silent');
const fixtures = fileURLToPath(new URL('../../../test/fixtures/support/kb', import.meta.url));

describe('the embedding model (an OpenAI-compatible /v1/embeddings)', () => {
  it('asks for float vectors, texts in batches, and gives one vector per text in order', async () => {
    const model = createOpenAiDouble(() => 'unused', { embed: (text) => conceptVector(text) });
    const embedder = createEmbedder(
      { model: 'nomic-embed-text', baseUrl: 'http://127.0.0.1:11434/v1', variables: 'WOWSEARCH_EMBEDDINGS' },
      { fetch: model.fetch },
    );
    const texts = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? `locked out of login ${i}` : `refund ${i}`));
    const vectors = await embedder.embed(texts);
    expect(vectors).toEqual(texts.map(conceptVector));
    expect(model.violations).toEqual([]);
    expect(model.embeddingRequests.map((r) => [r.model, r.encoding_format, (r.input as string[]).length])).toEqual([
      ['nomic-embed-text', 'float', 32],
      ['nomic-embed-text', 'float', 8],
    ]);
  });

  it('turns a failing model into WOW_ERR_EMBEDDINGS naming the model and what to check', async () => {
    const down = createOpenAiDouble(() => 'unused', { embed: () => ({ status: 400, message: 'model not found' }) });
    const embedder = createEmbedder(
      { model: 'no-such-model', baseUrl: 'http://127.0.0.1:11434/v1', variables: 'WOWSEARCH_EMBEDDINGS' },
      { fetch: down.fetch },
    );
    const failed: unknown = await embedder.embed(['hello']).catch((e: unknown) => e);
    expect(isWowError(failed, 'WOW_ERR_EMBEDDINGS')).toBe(true);
    expect((failed as Error).message).toContain('no-such-model');
    expect((failed as Error).message).toContain('model not found');
    expect((failed as Error).message).toContain('WOWSEARCH_EMBEDDINGS_BASE_URL');
  });
});

describe('the vector path on PGlite with pgvector', () => {
  let store: Store;
  let stop: () => Promise<void>;
  let dir: string;
  const model = createOpenAiDouble(() => 'unused', { embed: (text) => conceptVector(text) });
  const embedder = createEmbedder(
    { model: 'concepts-v1', baseUrl: 'http://127.0.0.1:11434/v1', variables: 'WOWSEARCH_EMBEDDINGS' },
    { fetch: model.fetch },
  );
  const passwordArticle = (body: string) =>
    `---\nslug: reset-password\ntitle: Reset your password\nintent: account\n---\n${body}\n`;

  beforeAll(async () => {
    ({ store, stop } = await openPglite({ pg_trgm, vector }));
    await migrate(store, { log });
    dir = await mkdtemp(join(tmpdir(), 'wow-kb-vectors-'));
    await writeFile(
      join(dir, 'reset-password.md'),
      passwordArticle('Forgot your password? On the sign-in page choose Forgot password.'),
    );
  });
  afterAll(async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('embeds what an import wrote, only what changed since, and again for another model', async () => {
    expect(await searchFeatures(store)).toEqual({ trigram: true, vector: true });
    await importArticles(store, fixtures);
    await importArticles(store, dir);
    // Six articles, in one request: none had an embedding.
    expect(await embedStaleArticles(store, embedder, { limit: 100 })).toBe(6);
    expect(await embedStaleArticles(store, embedder, { limit: 100 })).toBe(0);
    // An edit makes its article's embedding stale; only it is embedded again.
    await writeFile(
      join(dir, 'reset-password.md'),
      passwordArticle('Locked out? On the sign-in page choose Forgot password.'),
    );
    await importArticles(store, dir);
    const asked = model.embeddingRequests.length;
    expect(await embedStaleArticles(store, embedder, { limit: 100 })).toBe(1);
    expect(model.embeddingRequests.slice(asked).map((r) => r.input)).toEqual([
      ['Reset your password\nLocked out? On the sign-in page choose Forgot password.'],
    ]);
    // Vectors of one model are never compared with another's.
    const next = createEmbedder(
      { model: 'concepts-v2', baseUrl: 'http://127.0.0.1:11434/v1', variables: 'WOWSEARCH_EMBEDDINGS' },
      { fetch: model.fetch },
    );
    expect(await embedStaleArticles(store, next, { limit: 4 })).toBe(4);
    expect(await embedStaleArticles(store, next, { limit: 100 })).toBe(2);
  });

  it('finds by meaning what shares no word with the question, its coverage still from words', async () => {
    const question = 'My login fails';
    expect((await searchArticles(store, question)).map((h) => h.slug)).not.toContain('reset-password');
    const next = createEmbedder(
      { model: 'concepts-v2', baseUrl: 'http://127.0.0.1:11434/v1', variables: 'WOWSEARCH_EMBEDDINGS' },
      { fetch: model.fetch },
    );
    const [top] = await searchArticles(store, question, 3, { embedder: next });
    expect(top).toMatchObject({ slug: 'reset-password' });
    expect(top?.similarity).toBeGreaterThan(0.9);
    expect(top?.coverage).toBeLessThan(0.6);
  });

  it('searches by words alone when the model fails, as `wow kb search` and a request do', async () => {
    const down = createOpenAiDouble(() => 'unused', {
      embed: () => ({ status: 404, message: 'model "concepts-v2" not found, try pulling it first' }),
    });
    const served = await serveOpenAiDouble(down);
    try {
      const hits = await searchKnowledgeBase(store, 'How do I reset my API key?', {
        limit: 3,
        env: { WOWSEARCH_EMBEDDINGS_MODEL: 'concepts-v2', WOWSEARCH_EMBEDDINGS_BASE_URL: served.url },
      });
      expect(hits[0]).toMatchObject({ slug: 'reset-api-key', coverage: 1 });
      expect(hits[0]?.similarity).toBeUndefined();
      // The model was asked, and the search went on without it.
      expect(down.embeddingRequests).toHaveLength(1);
    } finally {
      await served.close();
    }
  });
});
