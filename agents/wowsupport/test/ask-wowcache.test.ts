import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createError, type Protocol, type Requester, type RequestOptions } from '#platform';
import { quietLog, startTestAgent, type TestAgent } from '#platform/testing';
import { askWowCache } from '../src/specialists/ask-wowcache.ts';

// WowCache on the runtime, answering cache.stats as it does for WowSupport's L2.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
let wowcache: TestAgent;

beforeAll(async () => {
  wowcache = await startTestAgent({ agentsDir, id: 'wowcache' });
  await wowcache.store.query(
    `insert into cache_namespace_minutes (namespace, minute, l1_hits, l2_hits, loads, load_ms_sum, evictions, stampede_waits, l1_entries_max, l1_bound)
     values ('wowsearch', date_trunc('minute', now()), 30, 10, 10, 20, 4, 1, 40, 1000)`,
  );
});
afterAll(async () => {
  await wowcache.stop();
});

describe("the performance specialist's question to WowCache", () => {
  it('reads the figures WowCache answers per agent', async () => {
    // As ctx.request sends a protocol's request: its type, the input as data.
    const request = ((protocol: Protocol, input: unknown, opts?: RequestOptions) =>
      wowcache.request({ type: protocol.type, data: input }, opts)) as Requester;
    const reply = await askWowCache({ request, log: quietLog });
    expect(reply).toMatchObject({
      windowMinutes: 60,
      namespaces: [
        {
          namespace: 'wowsearch',
          reads: 50,
          l1HitRate: 0.6,
          l2HitRate: 0.5,
          hitRate: 0.8,
          loadMsMean: 2,
          evictions: 4,
          stampedeWaits: 1,
        },
      ],
    });
  });

  it('goes on without figures when WowCache does not answer', async () => {
    const silent = () =>
      Promise.reject(createError('WOW_ERR_REQUEST_TIMEOUT', { type: 'cache.stats', timeoutMs: 5000 }));
    expect(await askWowCache({ request: silent, log: quietLog })).toBeUndefined();
  });
});
