import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createCache, type Cache } from '#platform';
import { quietLog, startTestAgent, type TestAgent } from '#platform/testing';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { forgetSearches, importArticles, refreshSearches, upsertArticle, type SearchReply } from '../src/index.ts';

const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const kb = fileURLToPath(new URL('../../../test/fixtures/support/kb', import.meta.url));
const question = 'How do I reset my API key?';

const prefixes: string[] = [];
const running: { agent: TestAgent; caches: Cache[] }[] = [];
afterEach(async () => {
  for (const { agent, caches } of running.splice(0)) {
    await agent.stop();
    for (const cache of caches) await cache.close();
  }
});
afterAll(async () => {
  for (const prefix of prefixes) await deleteRedisKeys(prefix);
});

/** WowSearch on the runtime with `cache` as its process's cache, the sample articles loaded. */
async function wowSearchWith(cache: Cache, ...others: Cache[]) {
  const agent = await startTestAgent({ agentsDir, id: 'wowsearch', cache });
  running.push({ agent, caches: [cache, ...others] });
  await importArticles(agent.store, kb);
  const bestTitle = async () =>
    (await agent.request<SearchReply>({ type: 'search.articles', data: { query: question } })).articles[0]?.title;
  // The article the question finds, renamed, as an import changing it would.
  const rename = (title: string) =>
    upsertArticle(agent.store, {
      slug: 'reset-api-key',
      title,
      intent: 'how-to',
      body: 'To reset your API key, open Settings, then API keys, and choose Rotate key.',
    });
  return { agent, bestTitle, rename };
}

describe("WowSearch's cached searches", () => {
  it('answers a repeated question from the cache, and the import’s invalidation reaches it through Redis', async () => {
    const keyPrefix = `${uniqueName('kbcache')}:`;
    prefixes.push(keyPrefix);
    const cache = await createCache({ redisUrl: testRedisUrl, keyPrefix, log: quietLog });
    // What `wow kb import` opens in its own process to drop the cached searches.
    const importer = await createCache({ redisUrl: testRedisUrl, keyPrefix, log: quietLog });
    const { bestTitle, rename } = await wowSearchWith(cache, importer);

    expect(await bestTitle()).toBe('Reset your API key');
    expect(await bestTitle()).toBe('Reset your API key');
    expect(cache.figures()).toMatchObject([{ namespace: 'wowsearch', loads: 1, l1Hits: 1 }]);

    await rename('Rotate your API key');
    expect(await bestTitle()).toBe('Reset your API key');
    await forgetSearches(importer.namespace('wowsearch'));
    await expect.poll(bestTitle).toBe('Rotate your API key');
  });

  it('notices a change to the articles itself on the in-process defaults, as its freshness schedule runs', async () => {
    const cache = await createCache({ log: quietLog });
    const { agent, bestTitle, rename } = await wowSearchWith(cache);
    const known = { mark: undefined };
    expect(await refreshSearches(agent.store, cache.namespace('wowsearch'), known)).toBe(false);

    expect(await bestTitle()).toBe('Reset your API key');
    expect(await refreshSearches(agent.store, cache.namespace('wowsearch'), known)).toBe(false);
    await rename('Rotate your API key');
    expect(await bestTitle()).toBe('Reset your API key');
    expect(await refreshSearches(agent.store, cache.namespace('wowsearch'), known)).toBe(true);
    expect(await bestTitle()).toBe('Rotate your API key');
  });
});
