import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWowError } from '#platform';
import { startTestAgent, type TestAgent } from '#platform/testing';
import { createOpenAiDouble, serveOpenAiDouble } from '../../../test/doubles/openai-api.ts';
import { importArticles, type SearchReply } from '../src/index.ts';
import { conceptVector } from './support/concept-embedder.ts';

// The agent on the real runtime: the in-process bus and an embedded PostgreSQL, with the
// knowledge base of test/fixtures/support.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const kb = fileURLToPath(new URL('../../../test/fixtures/support/kb', import.meta.url));
let agent: TestAgent;

beforeAll(async () => {
  agent = await startTestAgent({ agentsDir, id: 'wowsearch', relayOutbox: true });
  await importArticles(agent.store, kb);
});

afterAll(async () => {
  await agent.stop();
});

const search = (data: Record<string, unknown>) => agent.request<SearchReply>({ type: 'search.articles', data });

describe('WowSearch', () => {
  it('Given a search.articles request for a question an article answers, when WowSearch handles it, then it replies with that article first', async () => {
    const reply = await search({ query: 'How do I reset my API key?' });
    expect(reply.articles[0]).toMatchObject({
      slug: 'reset-api-key',
      title: 'Reset your API key',
      intent: 'how-to',
      coverage: 1,
    });
    expect(reply.articles[0]?.excerpt).toContain('Rotate key');
  });

  it('replies with no article when none matches, and with at most the limit asked', async () => {
    expect(await search({ query: 'sponsorship conference' })).toEqual({ articles: [] });
    const one = await search({ query: 'webhook signature API key billing', limit: 1 });
    expect(one.articles).toHaveLength(1);
  });

  it('refuses a request it cannot read at once, saying which field is wrong', async () => {
    // The support model describes search.articles, so the bus refuses it before WowSearch
    // sees it (WowSearch's own check of its protocol: platform/communication's tests).
    const refused: unknown = await search({ query: 'x'.repeat(4_001) }).catch((e: unknown) => e);
    expect(isWowError(refused, 'WOW_ERR_EVENT_SCHEMA')).toBe(true);
    expect((refused as Error).message).toContain('query');
    const unknown: unknown = await search({ question: 'How do I reset my API key?' }).catch((e: unknown) => e);
    expect(isWowError(unknown, 'WOW_ERR_EVENT_SCHEMA')).toBe(true);
    expect((unknown as Error).message).toContain('query');
  });
});

describe('WowSearch with an embedding model but no pgvector (the embedded store)', () => {
  it('answers as without one, and never asks the model: the fallback is the search by words', async () => {
    const model = createOpenAiDouble(() => 'unused', { embed: (text) => conceptVector(text) });
    const served = await serveOpenAiDouble(model);
    const withModel = await startTestAgent({
      agentsDir,
      id: 'wowsearch',
      env: { WOWSEARCH_EMBEDDINGS_MODEL: 'nomic-embed-text', WOWSEARCH_EMBEDDINGS_BASE_URL: served.url },
    });
    try {
      await importArticles(withModel.store, kb);
      const reply = await withModel.request<SearchReply>({
        type: 'search.articles',
        data: { query: 'How do I reset my API key?' },
      });
      expect(reply).toEqual(await search({ query: 'How do I reset my API key?' }));
      expect(model.embeddingRequests).toEqual([]);
    } finally {
      await withModel.stop();
      await served.close();
    }
  });

  it('refuses to start with an embeddings address but no model, naming the variable', async () => {
    const failed: unknown = await startTestAgent({
      agentsDir,
      id: 'wowsearch',
      env: { WOWSEARCH_EMBEDDINGS_BASE_URL: 'http://127.0.0.1:11434/v1' },
    }).catch((e: unknown) => e);
    expect(isWowError(failed, 'WOW_ERR_CONFIG')).toBe(true);
    expect((failed as Error).message).toContain('WOWSEARCH_EMBEDDINGS_MODEL');
  });
});
