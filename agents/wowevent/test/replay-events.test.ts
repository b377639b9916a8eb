import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createEvent, type Bus, type CloudEvent } from '#platform';
import { eventually, quietLog, testBusDefaults } from '#platform/testing';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';
import { archiveEvent, maintainPartitions, replayEvents } from '../src/index.ts';

// What a replay sends and what it skips, on both stores with the in-process bus (the
// signed replay on both buses is archive-replay-trace.test.ts).
describe.each(storeBackends('wowevent_replay'))('a replay from the archive on $name', (backend) => {
  let t: TestStore;
  let bus: Bus;
  beforeAll(async () => {
    t = await backend.open();
    await maintainPartitions(t.store, { ahead: 1, retentionDays: 30 });
    bus = await createBus({ streamMaxLen: 1000, defaults: testBusDefaults, log: quietLog });
  });
  afterAll(async () => {
    await bus.close();
    await t.close();
  });

  it('sends whole copies to the one group, without a reply address, and skips what it may not send as its sender', async () => {
    const since = new Date(Date.now() - 1000);
    const asked: CloudEvent = {
      ...createEvent({ type: 'test.replay.asked', data: { q: 1 }, source: 'urn:wow:agent:asker' }),
      replyto: 'reply:gone',
      correlationid: 'c-1',
    };
    const big = createEvent({ type: 'test.replay.big', data: { s: 'x'.repeat(3000) }, source: 'urn:wow:agent:asker' });
    const halted = createEvent({ type: 'test.replay.halted', data: {}, source: 'urn:wow:agent:revoked-one' });
    for (const e of [asked, big, halted]) await archiveEvent(t.store, e, { maxDataBytes: 2048 });
    const got = new Map<string, CloudEvent[]>([
      ['target', []],
      ['bystander', []],
    ]);
    for (const [group, list] of got)
      await bus.subscribe({ group, types: ['test.replay.*'], handler: async (e) => void list.push(e) });
    const readmitted: string[] = [];
    const report = await replayEvents({
      db: t.store,
      bus,
      guard: { readmit: async (group, id) => void readmitted.push(`${group}:${id}`) },
      to: 'target',
      wakesOn: ['test.replay.*'],
      type: 'test.replay.*',
      since,
      dryRun: false,
      halted: new Set(['revoked-one']),
    });
    expect(report.sent.map((e) => e.id)).toEqual([asked.id]);
    // Archived within one millisecond maybe: compared in any order.
    expect(report.skipped.map((e) => [e.id, e.reason]).sort()).toEqual(
      [
        [
          big.id,
          'its data was archived truncated (larger than WOWEVENT_MAX_DATA_BYTES), so it is not what its sender signed',
        ],
        [halted.id, 'its sender revoked-one is suspended or revoked, so its signature would be refused'],
      ].sort(),
    );
    expect(readmitted).toEqual([`target:${asked.id}`]);
    await eventually(() => got.get('target')?.length === 1, 'the target got it');
    const { replyto: _r, correlationid: _c, ...announced } = asked;
    expect(got.get('target')).toEqual([announced]);
    expect(got.get('bystander')).toEqual([]);
  });

  it('refuses a target that is not an agent id or wakes on nothing', async () => {
    const base = { db: t.store, bus, guard: undefined, type: '*', since: new Date(0), dryRun: true };
    await expect(replayEvents({ ...base, to: 'Not An Id', wakesOn: ['x.y'] })).rejects.toThrow(/expected an agent id/);
    await expect(replayEvents({ ...base, to: 'idle', wakesOn: [] })).rejects.toThrow(/wakes on nothing/);
  });
});
