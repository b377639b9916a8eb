import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthRecorder, type Store } from '#platform';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { pruneHealthMinutes } from '../src/housekeeping/prune-health-minutes.ts';

// The hourly `prune` schedule: agents' health minutes older than any baseline reads.
describe.each(storeBackends('housekeeping'))('pruning health minutes on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await backend.open());
  });
  afterAll(async () => {
    await close();
  });

  it('drops health minutes older than any baseline, and keeps the rest', async () => {
    const now = new Date('2026-12-03T12:00:00Z');
    const recorder = createHealthRecorder();
    recorder.record('wowvision', 10, true, new Date(now.getTime() - 7 * 24 * 3_600_000));
    recorder.record('wowvision', 10, true, new Date(now.getTime() - 9 * 24 * 3_600_000));
    await recorder.flush(store);

    expect(await pruneHealthMinutes(store, now)).toBe(1);
    expect((await store.query<{ n: number }>('select count(*)::int as n from agent_health_minutes')).rows[0]?.n).toBe(
      1,
    );
    expect(await pruneHealthMinutes(store, now)).toBe(0);
  });
});
