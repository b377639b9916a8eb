import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, type Store } from '#platform';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';
import {
  archiveEvent,
  boundData,
  findArchivedEvents,
  maintainPartitions,
  tailArchive,
  type ArchivedEvent,
} from '../src/index.ts';

const day = 86_400_000;
const dayName = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '');
const at = (offsetDays: number) => new Date(Date.now() + offsetDays * day);
const eventAt = (time: Date, type = 'test.archive.kept') => ({
  ...createEvent({ type, data: { at: time.toISOString() }, source: 'urn:wow:test' }),
  time: time.toISOString(),
});
const partitions = async (store: Store) =>
  (
    await store.query<{ name: string }>(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = to_regclass('event_archive') order by 1`,
    )
  ).rows.map((r) => r.name);

describe.each(storeBackends('wowevent_parts'))('the event archive on $name', (backend) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await backend.open();
  });
  afterAll(async () => {
    await t.close();
  });

  it('is partitioned by day: today and the days ahead exist, an event lands in its own day, one far off in the default', async () => {
    await maintainPartitions(t.store, { ahead: 3, retentionDays: 30 });
    const names = await partitions(t.store);
    for (const offset of [0, 1, 2, 3]) expect(names).toContain(`event_archive_p${dayName(at(offset))}`);
    expect(names).toContain('event_archive_default');
    const today = eventAt(at(0));
    const farAhead = eventAt(at(200));
    expect(await archiveEvent(t.store, today, { maxDataBytes: 1024 })).toBe(true);
    expect(await archiveEvent(t.store, farAhead, { maxDataBytes: 1024 })).toBe(true);
    const { rows } = await t.store.query<{ id: string; part: string }>(
      'select event_id as id, tableoid::regclass::text as part from event_archive',
    );
    expect(new Map(rows.map((r) => [r.id, r.part]))).toEqual(
      new Map([
        [today.id, `event_archive_p${dayName(at(0))}`],
        [farAhead.id, 'event_archive_default'],
      ]),
    );
  });

  it('drops the days past the retention whole, and deletes as old rows from the default partition', async () => {
    const old = at(-40);
    const from = new Date(`${old.toISOString().slice(0, 10)}T00:00:00Z`);
    // A day kept from when the retention was longer.
    await t.store.query(
      `create table event_archive_p${dayName(old)} partition of event_archive ` +
        `for values from ('${from.toISOString()}') to ('${new Date(from.getTime() + day).toISOString()}')`,
    );
    const oldEvent = eventAt(old, 'test.archive.old');
    const older = eventAt(at(-400), 'test.archive.old');
    const recent = eventAt(at(-1), 'test.archive.recent');
    for (const e of [oldEvent, older, recent]) await archiveEvent(t.store, e, { maxDataBytes: 1024 });
    expect(await findArchivedEvents(t.store, { type: 'test.archive.old', limit: 10, order: 'oldest' })).toHaveLength(2);

    expect(await maintainPartitions(t.store, { ahead: 3, retentionDays: 30 })).toEqual({ created: 0, dropped: 1 });
    expect(await partitions(t.store)).not.toContain(`event_archive_p${dayName(old)}`);
    expect(await findArchivedEvents(t.store, { type: 'test.archive.old', limit: 10, order: 'oldest' })).toEqual([]);
    // Yesterday has no partition of its own (the archive began today): it is kept in the default.
    expect(await findArchivedEvents(t.store, { type: 'test.archive.recent', limit: 10, order: 'oldest' })).toHaveLength(
      1,
    );
  });

  it('is followed by a tail from a time on, each new event once, until aborted', async () => {
    const from = new Date();
    await archiveEvent(t.store, eventAt(new Date(from.getTime() - 5000), 'test.tail.before'), { maxDataBytes: 1024 });
    const controller = new AbortController();
    const seen: ArchivedEvent[] = [];
    const following = tailArchive({
      db: t.store,
      type: 'test.tail.*',
      from,
      pollMs: 20,
      signal: controller.signal,
      onEvent: (e) => {
        seen.push(e);
        if (seen.length === 2) controller.abort();
      },
    });
    const first = eventAt(new Date(from.getTime() + 10), 'test.tail.first');
    const second = eventAt(new Date(from.getTime() + 20), 'test.tail.second');
    await archiveEvent(t.store, first, { maxDataBytes: 1024 });
    await archiveEvent(t.store, eventAt(new Date(from.getTime() + 15), 'test.other.noise'), { maxDataBytes: 1024 });
    await archiveEvent(t.store, second, { maxDataBytes: 1024 });
    await following;
    expect(seen.map((e) => e.id)).toEqual([first.id, second.id]);
  });

  it('refuses a retention or a lead outside its bounds', async () => {
    await expect(maintainPartitions(t.store, { ahead: 3, retentionDays: 0 })).rejects.toThrow(/retention_days/);
    await expect(maintainPartitions(t.store, { ahead: 90, retentionDays: 30 })).rejects.toThrow(/ahead_days/);
  });
});

describe('boundData', () => {
  it('keeps data within the bound whole and marks what is larger or holds U+0000 as truncated', () => {
    expect(boundData({ a: 1 }, 1024)).toEqual({ json: '{"a":1}', truncated: false });
    expect(boundData(undefined, 1024)).toEqual({ json: 'null', truncated: false });
    const big = boundData({ s: 'é'.repeat(2000) }, 1024);
    expect(big.truncated).toBe(true);
    expect(JSON.parse(big.json)).toMatchObject({ truncated: true, bytes: 4008 });
    expect(boundData({ s: 'a\u0000b' }, 1024)).toEqual({ json: '{"s":"a\\ufffdb"}', truncated: true });
  });
});
