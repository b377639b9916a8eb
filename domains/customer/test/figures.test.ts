import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createEvent, type Bus, type CloudEvent, type Store, type SubscriptionHandle } from '#platform';
import { eventually, eventuallyPasses, quietLog, testBusDefaults } from '#platform/testing';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { agentFigures, allAgentFigures, figuresGroup, projectFigures, recentActivity } from '../index.ts';

const [postgres, embedded] = storeBackends('customer_figures', { poolMax: 4 });
if (postgres === undefined || embedded === undefined) throw new Error('storeBackends lists PostgreSQL and PGlite');
const runtimes = [
  { name: 'PostgreSQL and Redis', backend: postgres, redis: true },
  { name: 'the embedded defaults', backend: embedded, redis: false },
];

const t0 = Date.parse('2026-11-30T10:00:00Z');
const minutes = (n: number) => new Date(t0 + n * 60_000).toISOString();

/** An event as an agent or the billing sends it, at a time the test chooses. */
function event(type: string, data: Record<string, unknown>, time: string): CloudEvent {
  return { ...createEvent({ type, source: 'test', data }), time };
}

describe.each(runtimes)('the figures on $name', ({ backend, redis }) => {
  let store: Store;
  let close: () => Promise<void>;
  let bus: Bus;
  let projection: SubscriptionHandle;
  const keyPrefix = `${uniqueName('figures')}:`;
  const organisationId = randomUUID();

  beforeAll(async () => {
    ({ store, close } = await backend.open());
    bus = await createBus({
      ...(redis ? { redisUrl: testRedisUrl, keyPrefix } : {}),
      streamMaxLen: 10_000,
      defaults: testBusDefaults,
      log: quietLog,
    });
    projection = await projectFigures({ bus, store, consumer: 'test' });
  });
  afterAll(async () => {
    await projection.stop();
    await bus.close();
    await close();
    if (redis) await deleteRedisKeys(keyPrefix);
  });

  /** Resolves once the figures' group has handled everything published so far. */
  const drained = () =>
    eventually(async () => {
      const { topics } = await bus.stats();
      const groups = topics.flatMap((t) => t.groups.filter((g) => g.group === figuresGroup));
      return groups.length > 0 && groups.every((g) => g.pending === 0 && g.lag === 0);
    }, 'the figures to take every event');

  const publishAll = async (events: CloudEvent[]) => {
    for (const e of events) await bus.publish(e);
    await drained();
  };

  it('computes rating, retention, response times and tasks completed from the events, in any order and twice over', async () => {
    const tasks = Array.from({ length: 6 }, () => randomUUID());
    const task = (taskId: string, agentId = 'seo') => ({ taskId, organisationId, agentId });
    const events: CloudEvent[] = [];
    tasks.forEach((taskId, i) => {
      // Task i takes i+1 minutes; the first two report their completion before their start.
      const started = event('customer.task.started', task(taskId), minutes(10 * i));
      const completed = event(
        'customer.task.completed',
        {
          ...task(taskId),
          taskType: 'seo.audit',
          deliverables: [{ name: 'audit.md', mediaType: 'text/markdown', encoding: 'utf8', content: '# Audit' }],
          summary: `audited product page ${i + 1} for an E-commerce business`,
        },
        minutes(10 * i + i + 1),
      );
      events.push(...(i < 2 ? [completed, started] : [started, completed]));
    });
    [5, 4, 5, 3, 4].forEach((stars, i) =>
      events.push(event('customer.task.rated', { ...task(tasks[i] ?? ''), stars }, minutes(100 + i))),
    );
    // The same task rated again later: the latest rating counts; an older one arriving after it does not.
    events.push(event('customer.task.rated', { ...task(tasks[0] ?? ''), stars: 2 }, minutes(200)));
    events.push(event('customer.task.rated', { ...task(tasks[0] ?? ''), stars: 1 }, minutes(150)));
    // A failure counts as none of the completed, and a late failure does not undo a completion.
    const failed = randomUUID();
    events.push(event('customer.task.started', task(failed), minutes(300)));
    events.push(event('customer.task.failed', { ...task(failed), code: 'X', reason: 'no page' }, minutes(301)));
    events.push(event('customer.task.failed', { ...task(tasks[5] ?? ''), code: 'X', reason: 'late' }, minutes(302)));

    const subscriptions = Array.from({ length: 6 }, () => randomUUID());
    const changed = (subscriptionId: string, status: string, change: string, at: number) =>
      event(
        'commerce.subscription.changed',
        {
          subscriptionId,
          organisationId,
          agentId: 'seo',
          planId: 'seo-standard',
          status,
          change,
          periodEnd: minutes(at),
        },
        minutes(at),
      );
    subscriptions.forEach((id, i) => events.push(changed(id, 'active', 'started', i)));
    // Four renewed (one twice), one cancelled without renewing, one still in its first period.
    for (const id of subscriptions.slice(0, 4)) events.push(changed(id, 'active', 'renewed', 50));
    events.push(changed(subscriptions[0] ?? '', 'active', 'renewed', 80));
    events.push(changed(subscriptions[4] ?? '', 'active', 'cancel_scheduled', 40));
    events.push(changed(subscriptions[4] ?? '', 'cancelled', 'cancelled', 60));

    await publishAll(events);
    // Another agent's event about SEO's task is not SEO's, nor the other agent's.
    await publishAll([event('customer.task.rated', { ...task(tasks[1] ?? '', 'content'), stars: 1 }, minutes(303))]);
    // A redelivery of everything (new envelopes, same facts) changes nothing.
    await publishAll(events.map((e) => event(e.type, e.data as Record<string, unknown>, e.time)));

    const seo = await agentFigures(store, 'seo');
    expect(seo.rating).toEqual({ mean: (2 + 4 + 5 + 3 + 4) / 5, count: 5 });
    expect(seo.retention).toEqual({ share: 4 / 5, renewed: 4, decided: 5 });
    expect(seo.tasksCompleted).toBe(6);
    expect(seo.responseTime.count).toBe(6);
    expect(seo.responseTime.medianMs).toBeCloseTo(3.5 * 60_000);
    // percentile_cont over 1…6 minutes: 5 + 0.75 × (6 − 5).
    expect(seo.responseTime.p95Ms).toBeCloseTo(5.75 * 60_000);

    expect(await agentFigures(store, 'content')).toMatchObject({ rating: { mean: null, count: 0 }, tasksCompleted: 0 });
    expect([...(await allAgentFigures(store)).keys()].sort()).toEqual(['content', 'seo']);

    const feed = await recentActivity(store, 'seo', 3);
    expect(feed.map((a) => a.summary)).toEqual([
      'audited product page 6 for an E-commerce business',
      'audited product page 5 for an E-commerce business',
      'audited product page 4 for an E-commerce business',
    ]);
    expect(feed[0]?.at).toBe(minutes(56));
    // The feed names no task: its keys are not the task ids.
    expect(feed.map((a) => a.key).some((k) => tasks.some((t) => t.includes(k)))).toBe(false);
  });

  it('shows "New" (null) until an agent has five data points of a figure', async () => {
    const agentId = 'fresh';
    const rate = async (stars: number) => {
      const taskId = randomUUID();
      await publishAll([event('customer.task.rated', { taskId, organisationId, agentId, stars }, minutes(1))]);
    };
    for (const stars of [5, 5, 4, 4]) await rate(stars);
    expect((await agentFigures(store, agentId)).rating).toEqual({ mean: null, count: 4 });
    await rate(2);
    expect((await agentFigures(store, agentId)).rating).toEqual({ mean: 4, count: 5 });
    expect((await agentFigures(store, 'never-seen')).rating).toEqual({ mean: null, count: 0 });
  });

  it("keeps an agent's figures exact when many of its events are handled at once", async () => {
    const agentId = 'busy';
    const events = Array.from({ length: 40 }, (_, i) =>
      event('customer.task.rated', { taskId: randomUUID(), organisationId, agentId, stars: (i % 5) + 1 }, minutes(i)),
    );
    await Promise.all(events.map((e) => bus.publish(e)));
    await eventuallyPasses(async () =>
      expect((await agentFigures(store, agentId)).rating).toEqual({ mean: 3, count: 40 }),
    );
  });

  it('dead-letters data its model refuses at once, and counts nothing of it', async () => {
    await bus.publish(
      event('customer.task.rated', { taskId: 'not-a-uuid', organisationId, agentId: 'bad', stars: 9 }, minutes(1)),
    );
    await eventuallyPasses(async () => {
      const letters = await bus.deadLetters.list({ group: figuresGroup });
      expect(letters.map((l) => [l.error.code, l.attempts])).toEqual([['WOW_ERR_EVENT_SCHEMA', 1]]);
    });
    expect((await agentFigures(store, 'bad')).rating.count).toBe(0);
  });
});
