import { randomUUID } from 'node:crypto';
import { createError } from '../../errors/errors.ts';
import type { Logger } from '../../log/logger.ts';
import type {
  Bus,
  BusObserver,
  BusStats,
  MessageGuard,
  PublishOptions,
  PublishResult,
  SubscriptionHandle,
} from '../bus.ts';
import { runConsumer } from '../consumer/run-consumer.ts';
import { assertEventValid, topicOf, type CloudEvent } from '../envelope.ts';
import { PendingRequests } from '../pending-requests.ts';
import { retryDelay } from '../retry-delay.ts';
import { subscriptionSettings, type BusDefaults } from '../subscription-settings.ts';
import { MemoryBroker } from './memory-broker.ts';
import { createMemoryConsumerPort } from './memory-consumer-port.ts';

export interface MemoryBusOptions {
  streamMaxLen: number;
  defaults: BusDefaults;
  log: Logger;
  observer: BusObserver;
  claimIntervalMs: number;
  guard?: MessageGuard | undefined;
}

/** The bus for a single process (no REDIS_URL): the same contract as the Redis driver. */
export function createMemoryBus(opts: MemoryBusOptions): Bus {
  const broker = new MemoryBroker(opts.streamMaxLen);
  const requests = new PendingRequests();
  const replyTo = `memory:${randomUUID()}`;
  // Everything this bus holds dies with the process: each bus is an epoch of its own.
  const epoch = randomUUID();
  const handles = new Set<SubscriptionHandle>();
  let closed = false;
  const assertOpen = (what: string) => {
    if (closed) throw createError('WOW_ERR_BUS_CLOSED', { what });
  };

  function publishNow(event: CloudEvent, publishOpts: PublishOptions, proof?: string): PublishResult {
    assertOpen(`publishing ${event.type}`);
    assertEventValid(event);
    const { dedupeKey } = publishOpts;
    if (dedupeKey !== undefined) {
      const seen = broker.seenDedupe(dedupeKey, Date.now());
      if (seen !== undefined) return { entryId: seen, duplicate: true };
    }
    const topic = topicOf(event.type);
    const entry = broker.append(topic, event, publishOpts.onlyGroup, proof);
    if (dedupeKey !== undefined)
      broker.rememberDedupe(
        dedupeKey,
        entry.id,
        Date.now() + (publishOpts.dedupeTtlSeconds ?? 86_400) * 1000,
        Date.now(),
      );
    opts.observer.published(topic);
    return { entryId: entry.id, duplicate: false };
  }

  const bus: Bus = {
    kind: 'memory',
    publish(event, publishOpts = {}) {
      const { guard } = opts;
      // Signed first when guarded, the batch's proof kept with the entry (the same string for
      // the whole batch, never copied); unguarded, appended before publish returns, as before.
      if (guard !== undefined)
        return guard.seal(event).then((sealed) => publishNow(sealed.event, publishOpts, sealed.proof));
      try {
        return Promise.resolve(publishNow(event, publishOpts));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
    subscribe(sub) {
      assertOpen(`subscribing ${sub.group}`);
      const s = subscriptionSettings(sub, opts.defaults);
      const port = createMemoryConsumerPort({
        broker,
        group: s.group,
        consumer: s.consumer,
        topics: s.topics,
        visibilityTimeoutMs: s.visibilityTimeoutMs,
        fromStart: s.fromStart,
        reply: (_to, correlationId, body) => requests.settle(correlationId, body),
      });
      const handle = runConsumer(port, {
        ...s,
        claimIntervalMs: Math.min(opts.claimIntervalMs, s.visibilityTimeoutMs),
        retryDelay: (attempt) => retryDelay(attempt, s.retryBaseMs, s.retryMaxMs),
        observer: opts.observer,
        log: opts.log,
        guard: opts.guard,
      });
      handles.add(handle);
      return Promise.resolve(handle);
    },
    async request(event, { timeoutMs }) {
      assertOpen(`requesting ${event.type}`);
      const { correlationId, reply } = requests.open(event.type, timeoutMs);
      await bus.publish({ ...event, replyto: replyTo, correlationid: correlationId });
      return reply as Promise<never>;
    },
    deadLetters: {
      list({ group, limit = 100 } = {}) {
        const groups = group === undefined ? [...broker.deadLetters.values()] : [broker.deadLetters.get(group) ?? []];
        return Promise.resolve(groups.flat().slice(0, limit));
      },
      async redrive(group, ids) {
        const list = broker.deadLetters.get(group) ?? [];
        const chosen = ids === undefined ? list : list.filter((d) => ids.includes(d.id));
        for (const id of ids ?? []) {
          if (!list.some((d) => d.id === id)) throw createError('WOW_ERR_DLQ_ENTRY_NOT_FOUND', { id, agent: group });
        }
        for (const d of chosen) {
          // Signed again as it is sent again; its id accepted once more by its group.
          await opts.guard?.readmit(group, d.event.id);
          await bus.publish(d.event, { onlyGroup: group });
        }
        broker.deadLetters.set(
          group,
          list.filter((d) => !chosen.includes(d)),
        );
        return chosen.length;
      },
    },
    stats() {
      const now = Date.now();
      const stats: BusStats = {
        topics: [...broker.topics].map(([topic, t]) => ({
          topic,
          length: t.entries.length,
          groups: [...t.groups].map(([group, g]) => {
            const oldest = Math.min(...[...g.pending.values()].map((p) => p.deliveredAt));
            return {
              group,
              consumers: g.consumers.size,
              pending: g.pending.size,
              lag: t.entries.length - broker.undelivered(t, g),
              oldestPendingMs: g.pending.size === 0 ? null : now - oldest,
            };
          }),
        })),
        deadLetters: [...broker.deadLetters].map(([group, list]) => ({ group, count: list.length })),
      };
      return Promise.resolve(stats);
    },
    epoch() {
      return Promise.resolve(epoch);
    },
    handled(topic, entryIds, under) {
      const groups = under === epoch ? [...(broker.topics.get(topic)?.groups.values() ?? [])] : [];
      const ids = entryIds.filter((id) =>
        groups.every((g) => Number.parseInt(id, 10) <= g.lastDelivered && !g.pending.has(id)),
      );
      return Promise.resolve({ ids: new Set(groups.length === 0 ? [] : ids), groups: groups.length });
    },
    ping() {
      assertOpen('ping');
      return Promise.resolve();
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...handles].map((h) => h.stop({ timeoutMs: opts.defaults.visibilityTimeoutMs })));
      requests.closeAll();
    },
  };
  return bus;
}
