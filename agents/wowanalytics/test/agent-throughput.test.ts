import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthRecorder, type Store } from '#platform';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { agentThroughput } from '../src/incidents/agent-throughput.ts';

// The operators' dashboard: each agent's handling over the last day, from the runtimes' per-minute counts.
describe.each(storeBackends('throughput'))('agent throughput on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await backend.open());
  });
  afterAll(async () => {
    await close();
  });

  it('counts what each agent handled and failed in the span, per hour, and nothing outside it', async () => {
    const now = new Date('2026-12-03T12:00:00Z');
    const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    const recorder = createHealthRecorder();
    // wowvision: 48 handled in the last day, 12 of them failed; one more 25 hours ago, one in the future.
    for (let i = 0; i < 48; i++) recorder.record('wowvision', 10, i % 4 !== 0, ago(i * 30));
    recorder.record('wowvision', 10, false, ago(25 * 60));
    recorder.record('wowvision', 10, false, ago(-5));
    // seo: two tasks, both fine; two runtimes adding to the same minute.
    recorder.record('seo', 100, true, ago(90));
    const other = createHealthRecorder();
    other.record('seo', 100, true, ago(90));
    await recorder.flush(store);
    await other.flush(store);

    const figures = await agentThroughput(store, now, 24);
    expect([...figures.keys()]).toEqual(['seo', 'wowvision']);
    expect(figures.get('wowvision')).toEqual({
      agentId: 'wowvision',
      handled: 48,
      failed: 12,
      perHour: 2,
      errorRate: 0.25,
    });
    expect(figures.get('seo')).toMatchObject({ handled: 2, failed: 0, errorRate: 0 });
    // An hour's span sees only the last hour's minutes.
    expect((await agentThroughput(store, now, 1)).get('wowvision')).toMatchObject({ handled: 2, perHour: 2 });
  });
});
