import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus, Delivery } from '../bus.ts';
import type { CreateBusOptions } from '../create-bus.ts';
import { createEvent, type CloudEvent } from '../envelope.ts';
import { createError } from '../../errors/errors.ts';
import { isWowError } from '../../errors/define-errors.ts';
import { WowError } from '../../errors/wow-error.ts';
import { eventually } from '../../testing/index.ts';

export type MakeBus = (overrides?: Partial<CreateBusOptions>) => Promise<Bus>;

const event = (type: string, data: unknown = {}, extra: { partitionkey?: string } = {}) =>
  createEvent({ type, data, source: 'urn:wow:test', ...extra });

/** The semantics every Bus driver must share; run against Redis Streams and the in-process bus. */
export function describeBusContract(name: string, makeBus: MakeBus): void {
  describe(`Bus contract: ${name}`, () => {
    const open: Bus[] = [];
    const bus = async (overrides?: Partial<CreateBusOptions>) => {
      const b = await makeBus(overrides);
      open.push(b);
      return b;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((b) => b.close()));
    });

    it('delivers a published event with its envelope intact', async () => {
      const b = await bus();
      const got: [CloudEvent, Delivery][] = [];
      await b.subscribe({
        group: 'reader',
        types: ['test.order.created'],
        handler: async (e, d) => void got.push([e, d]),
      });
      const sent = createEvent({
        type: 'test.order.created',
        data: { id: 7 },
        source: 'urn:wow:test',
        subject: 'order/7',
        customer: 'acme',
      });
      const result = await b.publish(sent);
      expect(result.duplicate).toBe(false);
      await eventually(() => got.length === 1, 'delivery');
      const [received, delivery] = got[0] ?? [];
      expect(received).toEqual(sent);
      expect(delivery).toMatchObject({ entryId: result.entryId, group: 'reader', attempt: 1 });
    });

    it("delivers an event published with its data's JSON text as received, equal to the data that text holds", async () => {
      const b = await bus();
      const got: CloudEvent[] = [];
      await b.subscribe({ group: 'reader', types: ['test.hook.received'], handler: async (e) => void got.push(e) });
      // Laid out as a sender might: spaces, escapes, a key twice (the last wins, as in JSON.parse).
      const text = '{ "n": 1,\n "s": "caf\\u00e9 \\"q\\"", "n": 2, "deep": [ {"a": null}, 1e3 ] }';
      const data: unknown = JSON.parse(text);
      const sent = createEvent({ type: 'test.hook.received', data, source: 'urn:wow:test' });
      await b.publish(sent, { dataJson: text });
      await eventually(() => got.length === 1, 'delivery');
      expect(got[0]).toEqual(sent);
      expect(got[0]?.data).toEqual({ n: 2, s: 'café "q"', deep: [{ a: null }, 1000] });
    });

    it('rejects an invalid envelope at publish', async () => {
      const b = await bus();
      const bad = { ...event('test.order.created'), traceparent: 'nope' };
      const err: unknown = await b.publish(bad).catch((e: unknown) => e);
      expect(isWowError(err, 'WOW_ERR_EVENT_INVALID')).toBe(true);
      expect((err as Error).message).toContain('traceparent');
      const noSlug = await b.publish({ ...event('test.order.created'), customer: 'Acme Inc' }).catch((e: unknown) => e);
      expect(isWowError(noSlug, 'WOW_ERR_EVENT_INVALID')).toBe(true);
      expect((noSlug as Error).message).toContain('customer');
    });

    it('starts a new group at the end of its stream, or at its start when asked (a watcher finding a topic late)', async () => {
      const b = await bus();
      const before = event('test.late.found', { n: 1 });
      await b.publish(before);
      const fromEnd: CloudEvent[] = [];
      const fromStart: CloudEvent[] = [];
      await b.subscribe({ group: 'from-end', types: ['test.late.found'], handler: async (e) => void fromEnd.push(e) });
      await b.subscribe({
        group: 'from-start',
        types: ['test.late.found'],
        fromStart: true,
        handler: async (e) => void fromStart.push(e),
      });
      const after = event('test.late.found', { n: 2 });
      await b.publish(after);
      await eventually(() => fromStart.length === 2 && fromEnd.length === 1, 'both groups caught up');
      expect(fromStart.map((e) => e.id)).toEqual([before.id, after.id]);
      expect(fromEnd.map((e) => e.id)).toEqual([after.id]);
    });

    it('filters by type and pattern within a topic', async () => {
      const b = await bus();
      const exact: string[] = [];
      const all: string[] = [];
      await b.subscribe({
        group: 'exact',
        types: ['test.order.created'],
        handler: async (e) => void exact.push(e.type),
      });
      await b.subscribe({ group: 'all', types: ['test.order.*'], handler: async (e) => void all.push(e.type) });
      await b.publish(event('test.order.created'));
      await b.publish(event('test.order.cancelled'));
      await eventually(() => all.length === 2, 'pattern deliveries');
      await sleep(50);
      expect(exact).toEqual(['test.order.created']);
      expect(all.sort()).toEqual(['test.order.cancelled', 'test.order.created']);
    });

    it('handles entries of several topics at once, even when their stream ids are the same', async () => {
      const b = await bus();
      const got: string[] = [];
      const release: (() => void)[] = [];
      // The first handler holds its entry while the other topic's entry arrives.
      await b.subscribe({
        group: 'both',
        types: ['test.alpha.sent', 'test.beta.sent'],
        handler: async (e) => {
          got.push(e.type);
          if (e.type === 'test.alpha.sent') await new Promise<void>((resolve) => release.push(resolve));
        },
      });
      await b.publish(event('test.alpha.sent'));
      await eventually(() => got.length === 1, 'the first topic');
      await b.publish(event('test.beta.sent'));
      await eventually(() => got.length === 2, 'the second topic while the first is in flight');
      for (const r of release) r();
      expect(got).toEqual(['test.alpha.sent', 'test.beta.sent']);
    });

    it('fans out to every group and balances within a group', async () => {
      const b = await bus();
      const byConsumer = new Map<string, string[]>();
      const other: string[] = [];
      const handler = async (e: CloudEvent, d: Delivery) => {
        byConsumer.set(d.consumer, [...(byConsumer.get(d.consumer) ?? []), e.id]);
        await sleep(15);
      };
      await b.subscribe({ group: 'workers', consumer: 'w1', types: ['test.job.*'], concurrency: 2, handler });
      await b.subscribe({ group: 'workers', consumer: 'w2', types: ['test.job.*'], concurrency: 2, handler });
      await b.subscribe({ group: 'audit', types: ['test.job.*'], handler: async (e) => void other.push(e.id) });
      for (let i = 0; i < 20; i++) await b.publish(event('test.job.queued', { i }));
      await eventually(() => [...byConsumer.values()].flat().length === 20 && other.length === 20, 'all handled');
      const handled = [...byConsumer.values()].flat();
      expect(new Set(handled).size).toBe(20);
      expect(byConsumer.get('w1')?.length).toBeGreaterThan(0);
      expect(byConsumer.get('w2')?.length).toBeGreaterThan(0);
    });

    it('never runs more handlers at once than the concurrency allows', async () => {
      const b = await bus();
      let now = 0;
      let max = 0;
      let done = 0;
      await b.subscribe({
        group: 'bounded',
        types: ['test.job.*'],
        concurrency: 3,
        handler: async () => {
          max = Math.max(max, ++now);
          await sleep(20);
          now--;
          done++;
        },
      });
      for (let i = 0; i < 12; i++) await b.publish(event('test.job.queued'));
      await eventually(() => done === 12, 'all handled');
      expect(max).toBe(3);
    });

    it('redelivers the message of a consumer that died mid-message to another; its effect happens once', async () => {
      const b = await bus();
      const effects = new Set<string>();
      const deliveries: { consumer: string; attempt: number }[] = [];
      let firstStarted = false;
      const handler = async (e: CloudEvent, d: Delivery) => {
        deliveries.push({ consumer: d.consumer, attempt: d.attempt });
        effects.add(e.id); // An idempotent effect keyed by the event id.
        if (d.consumer === 'doomed') {
          firstStarted = true;
          await new Promise((resolve) => d.signal.addEventListener('abort', resolve));
        }
      };
      const doomed = await b.subscribe({ group: 'crashy', consumer: 'doomed', types: ['test.job.*'], handler });
      await b.publish(event('test.job.queued'));
      await eventually(() => firstStarted, 'first delivery');
      // A crash: stop at once, ack nothing. The entry stays pending.
      expect(await doomed.stop({ timeoutMs: 0 })).toEqual({ drained: false, abandoned: 1 });
      await b.subscribe({ group: 'crashy', consumer: 'survivor', types: ['test.job.*'], handler });
      await eventually(() => deliveries.length === 2, 'redelivery');
      expect(deliveries[1]).toEqual({ consumer: 'survivor', attempt: 2 });
      expect(effects.size).toBe(1);
      await eventually(
        async () =>
          (await b.stats()).topics.find((t) => t.topic === 'test.job')?.groups.find((g) => g.group === 'crashy')
            ?.pending === 0,
        'ack',
      );
    });

    it('retries with backoff, then dead-letters with the error attached', async () => {
      const b = await bus();
      const attempts: number[] = [];
      await b.subscribe({
        group: 'flaky',
        types: ['test.job.*'],
        maxAttempts: 3,
        handler: async (_e, d) => {
          attempts.push(d.attempt);
          throw new Error(`boom ${d.attempt}`);
        },
      });
      const sent = event('test.job.queued', { n: 1 });
      await b.publish(sent);
      await eventually(async () => (await b.deadLetters.list({ group: 'flaky' })).length === 1, 'dead letter');
      expect(attempts).toEqual([1, 2, 3]);
      const [dead] = await b.deadLetters.list({ group: 'flaky' });
      expect(dead).toMatchObject({
        group: 'flaky',
        topic: 'test.job',
        attempts: 3,
        error: { code: 'WOW_ERR_UNEXPECTED', message: 'boom 3', retryable: true },
      });
      expect(dead?.event).toEqual(sent);
      const stats = await b.stats();
      expect(stats.deadLetters).toContainEqual({ group: 'flaky', count: 1 });
    });

    it('dead-letters a non-retryable error at once', async () => {
      const b = await bus();
      let calls = 0;
      await b.subscribe({
        group: 'strict',
        types: ['test.job.*'],
        handler: async () => {
          calls++;
          throw createError('WOW_ERR_EVENT_INVALID', { problems: 'data.id: expected a number' });
        },
      });
      await b.publish(event('test.job.queued'));
      await eventually(async () => (await b.deadLetters.list({ group: 'strict' })).length === 1, 'dead letter');
      expect(calls).toBe(1);
    });

    it('redrives dead letters to their group only', async () => {
      const b = await bus();
      let healthy = false;
      const failing: number[] = [];
      const bystander: string[] = [];
      await b.subscribe({
        group: 'fixme',
        types: ['test.job.*'],
        maxAttempts: 1,
        handler: async (_e, d) => {
          failing.push(d.attempt);
          if (!healthy) throw new Error('not yet');
        },
      });
      await b.subscribe({ group: 'bystander', types: ['test.job.*'], handler: async (e) => void bystander.push(e.id) });
      await b.publish(event('test.job.queued'));
      await eventually(
        async () => (await b.deadLetters.list({ group: 'fixme' })).length === 1 && bystander.length === 1,
        'dead letter',
      );
      healthy = true;
      expect(await b.deadLetters.redrive('fixme')).toBe(1);
      await eventually(() => failing.length === 2, 'redelivery after redrive');
      await sleep(50);
      expect(bystander).toHaveLength(1);
      expect(await b.deadLetters.list({ group: 'fixme' })).toEqual([]);
      const err: unknown = await b.deadLetters.redrive('fixme', ['1-1']).catch((e: unknown) => e);
      expect(isWowError(err, 'WOW_ERR_DLQ_ENTRY_NOT_FOUND')).toBe(true);
    });

    it('handles one partition key at a time, in publish order, across consumers', async () => {
      const b = await bus();
      const seen = new Map<string, number[]>();
      const active = new Set<string>();
      let overlaps = 0;
      const handler = async (e: CloudEvent) => {
        const key = e.partitionkey ?? '';
        if (active.has(key)) overlaps++;
        active.add(key);
        await sleep(Math.random() * 8);
        seen.set(key, [...(seen.get(key) ?? []), (e.data as { seq: number }).seq]);
        active.delete(key);
      };
      await b.subscribe({
        group: 'ordered',
        consumer: 'o1',
        types: ['test.account.*'],
        ordered: true,
        concurrency: 4,
        handler,
      });
      await b.subscribe({
        group: 'ordered',
        consumer: 'o2',
        types: ['test.account.*'],
        ordered: true,
        concurrency: 4,
        handler,
      });
      const keys = ['a', 'b', 'c'];
      for (let seq = 0; seq < 10; seq++)
        for (const key of keys) await b.publish(event('test.account.changed', { seq }, { partitionkey: key }));
      await eventually(() => keys.every((k) => seen.get(k)?.length === 10), 'all handled', 20_000);
      for (const k of keys) expect(seen.get(k)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(overlaps).toBe(0);
    });

    it('answers requests, times out without a responder, and fails fast when the responder fails', async () => {
      const b = await bus();
      await b.subscribe({
        group: 'calc',
        types: ['test.calc.add'],
        handler: async (e) => {
          const { a, b: bb } = e.data as { a: number; b: number };
          return { sum: a + bb };
        },
      });
      await b.subscribe({
        group: 'broken',
        types: ['test.broken.call'],
        handler: async () => {
          throw new WowError('WOW_ERR_EVENT_INVALID', 'no such thing', { retryable: false, status: 400 });
        },
      });
      expect(await b.request(event('test.calc.add', { a: 2, b: 3 }), { timeoutMs: 5000 })).toEqual({ sum: 5 });
      const timeout: unknown = await b.request(event('test.nobody.home'), { timeoutMs: 100 }).catch((e: unknown) => e);
      expect(isWowError(timeout, 'WOW_ERR_REQUEST_TIMEOUT')).toBe(true);
      const failed: unknown = await b.request(event('test.broken.call'), { timeoutMs: 5000 }).catch((e: unknown) => e);
      expect(isWowError(failed, 'WOW_ERR_NO_RESPONDER')).toBe(true);
      expect((failed as Error).message).toContain('no such thing');
    });

    it('takes the reply to a request from the group that answers, never from one that only watches', async () => {
      const b = await bus();
      const watched: string[] = [];
      // The watcher acks first (it does nothing); were it to answer, the request would get its null.
      await b.subscribe({
        group: 'watcher',
        types: ['test.sum.*'],
        answersRequests: false,
        handler: async (e) => void watched.push(e.type),
      });
      await b.subscribe({
        group: 'summer',
        types: ['test.sum.add'],
        handler: async (e) => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          const { a, b: bb } = e.data as { a: number; b: number };
          return { sum: a + bb };
        },
      });
      expect(await b.request(event('test.sum.add', { a: 2, b: 3 }), { timeoutMs: 5000 })).toEqual({ sum: 5 });
      expect(watched).toEqual(['test.sum.add']);
      const unanswered: unknown = await b
        .request(event('test.sum.unknown'), { timeoutMs: 200 })
        .catch((e: unknown) => e);
      expect(isWowError(unanswered, 'WOW_ERR_REQUEST_TIMEOUT')).toBe(true);
    });

    it('publishes once per de-duplication key', async () => {
      const b = await bus();
      const got: string[] = [];
      await b.subscribe({ group: 'dedupe', types: ['test.hook.*'], handler: async (e) => void got.push(e.id) });
      const first = await b.publish(event('test.hook.received'), { dedupeKey: 'delivery-1', dedupeTtlSeconds: 60 });
      const again = await b.publish(event('test.hook.received'), { dedupeKey: 'delivery-1', dedupeTtlSeconds: 60 });
      expect(again).toEqual({ entryId: first.entryId, duplicate: true });
      await eventually(() => got.length === 1, 'delivery');
      await sleep(50);
      expect(got).toHaveLength(1);
    });

    it('publishes once per de-duplication key when the same key arrives many times at once', async () => {
      const b = await bus();
      const got: string[] = [];
      await b.subscribe({ group: 'dedupe', types: ['test.hook.*'], handler: async (e) => void got.push(e.id) });
      const results = await Promise.all(
        Array.from({ length: 25 }, () =>
          b.publish(event('test.hook.received'), { dedupeKey: 'delivery-2', dedupeTtlSeconds: 60 }),
        ),
      );
      const fresh = results.filter((r) => !r.duplicate);
      expect(fresh).toHaveLength(1);
      // Every duplicate names the entry the one fresh publish wrote.
      expect(new Set(results.map((r) => r.entryId))).toEqual(new Set([fresh[0]?.entryId]));
      await eventually(() => got.length === 1, 'delivery');
      await sleep(50);
      expect(got).toHaveLength(1);
      expect((await b.stats()).topics.find((t) => t.topic === 'test.hook')?.length).toBe(1);
    });

    it('drains in-flight handlers on stop and acks them', async () => {
      const b = await bus();
      let finished = 0;
      let started = 0;
      const handle = await b.subscribe({
        group: 'drain',
        types: ['test.job.*'],
        handler: async () => {
          started++;
          await sleep(100);
          finished++;
        },
      });
      await b.publish(event('test.job.queued'));
      await b.publish(event('test.job.queued'));
      await eventually(() => started === 2, 'handlers started');
      expect(handle.inFlight()).toBe(2);
      expect(await handle.stop({ timeoutMs: 5000 })).toEqual({ drained: true, abandoned: 0 });
      expect(finished).toBe(2);
      const group = (await b.stats()).topics
        .find((t) => t.topic === 'test.job')
        ?.groups.find((g) => g.group === 'drain');
      expect(group?.pending).toBe(0);
    });

    it('reports stream length, pending and lag', async () => {
      const b = await bus();
      const release: (() => void)[] = [];
      await b.subscribe({
        group: 'slow',
        types: ['test.stat.*'],
        concurrency: 1,
        handler: () => new Promise<void>((r) => release.push(r)),
      });
      for (let i = 0; i < 3; i++) await b.publish(event('test.stat.tick'));
      await eventually(() => release.length === 1, 'first delivery');
      const topic = (await b.stats()).topics.find((t) => t.topic === 'test.stat');
      expect(topic?.length).toBe(3);
      expect(topic?.groups[0]).toMatchObject({ group: 'slow', pending: 1, lag: 2 });
      expect(topic?.groups[0]?.oldestPendingMs).toBeGreaterThanOrEqual(0);
      while (release.length > 0) release.shift()?.();
    });

    it('says which entries every group has handled, and keeps its epoch while it keeps its data', async () => {
      const b = await bus();
      const epoch = await b.epoch();
      const release: (() => void)[] = [];
      await b.subscribe({ group: 'quick', types: ['test.done.*'], handler: async () => undefined });
      await b.subscribe({
        group: 'slow',
        types: ['test.done.*'],
        concurrency: 1,
        handler: () => new Promise<void>((r) => release.push(r)),
      });
      // A group that skips a type has handled it too: it was delivered and acked.
      await b.subscribe({ group: 'other', types: ['test.done.other'], handler: async () => undefined });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await b.publish(event('test.done.tick'))).entryId);
      await eventually(() => release.length === 1, 'the slow group holds the first');
      expect(await b.handled('test.done', ids, epoch)).toEqual({ ids: new Set(), groups: 3 });
      release.shift()?.();
      await eventually(
        async () => (await b.handled('test.done', ids, epoch)).ids.has(ids[0] as string),
        'the first handled',
      );
      await eventually(async () => {
        release.shift()?.();
        return (await b.handled('test.done', ids, epoch)).ids.size === 3;
      }, 'all handled');
      expect(await b.handled('test.done', ids, epoch)).toEqual({ ids: new Set(ids), groups: 3 });
      // Nobody reads this topic (yet): no group to vouch for it.
      const lonely = (await b.publish(event('test.unread.tick'))).entryId;
      expect(await b.handled('test.unread', [lonely], epoch)).toEqual({ ids: new Set(), groups: 0 });
      expect(await b.epoch()).toBe(epoch);
      // Asked under an epoch the bus no longer has: nothing is vouched for.
      expect(await b.handled('test.done', ids, 'an-epoch-long-gone')).toEqual({ ids: new Set(), groups: 0 });
    });
  });
}
