import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';

// The agent on the real runtime: the in-process bus and an embedded PostgreSQL.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
let agent: TestAgent;

beforeAll(async () => {
  agent = await startTestAgent({ agentsDir, id: 'wowcache', relayOutbox: true });
});

afterAll(async () => {
  await agent.stop();
});

describe('WowCache', () => {
  it("Given a namespace whose L1 evicts entries that are read again, when WowCache tunes the caches, then that namespace's L1 size grows within its bounds and the change is recorded with its reason", async () => {
    const sent = await agent.publish({
      type: 'cache.stats',
      subject: 'acceptance-1',
      data: { given: 'a namespace whose L1 evicts entries that are read again' },
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from cache_namespace_minutes where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'cache.stats' }]);
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from cache_tuning where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'cache.stats' }]);
    });
    await agent.eventually(async () => {
      const { rows } = await agent.store.query<{ event_type: string }>(
        'select event_type from cache_tuning_changes where event_id = $1',
        [sent.id],
      );
      expect(rows).toEqual([{ event_type: 'cache.stats' }]);
    });
  });
});
