import type { SerializedError } from '../../errors/wow-error.ts';
import type { ConsumerPort, RawDelivery, ReplyBody } from '../consumer/consumer-port.ts';
import type { MemEntry, MemoryBroker } from './memory-broker.ts';

interface PortOptions {
  broker: MemoryBroker;
  group: string;
  consumer: string;
  topics: readonly string[];
  visibilityTimeoutMs: number;
  fromStart: boolean;
  reply: (replyTo: string, correlationId: string, body: ReplyBody) => void;
}

/** One consumer of one group over the in-process broker: Redis Streams semantics in memory. */
export function createMemoryConsumerPort(opts: PortOptions): ConsumerPort {
  const { broker, group: groupName, consumer } = opts;
  const groups = new Map(opts.topics.map((t) => [t, broker.group(t, groupName, opts.fromStart)]));
  const interrupt = new AbortController();
  const deliver = (topic: string, entry: MemEntry, count: number): RawDelivery => ({
    entryId: entry.id,
    publishedAt: entry.at,
    topic,
    event: entry.event,
    deliveryCount: count,
    onlyGroup: entry.onlyGroup,
    prev: entry.prev,
    proof: entry.proof,
  });
  const groupOf = (topic: string) => {
    const g = groups.get(topic);
    if (g === undefined) throw new Error(`consumer of ${groupName} does not read ${topic}`);
    return g;
  };

  const readNow = (count: number): RawDelivery[] => {
    const out: RawDelivery[] = [];
    for (const [topic, g] of groups) {
      g.consumers.set(consumer, Date.now());
      const t = broker.topic(topic);
      for (let i = broker.undelivered(t, g); i < t.entries.length && out.length < count; i++) {
        const entry = t.entries[i] as MemEntry;
        g.lastDelivered = entry.n;
        g.pending.set(entry.id, { entry, consumer, deliveredAt: Date.now(), count: 1 });
        out.push(deliver(topic, entry, 1));
      }
    }
    return out;
  };

  return {
    async read(count) {
      let out = readNow(count);
      if (out.length === 0 && !interrupt.signal.aborted) {
        await broker.wait(1000, interrupt.signal);
        if (!interrupt.signal.aborted) out = readNow(count);
      }
      return out;
    },
    claim(count) {
      const out: RawDelivery[] = [];
      const now = Date.now();
      for (const [topic, g] of groups) {
        for (const p of g.pending.values()) {
          if (out.length >= count) break;
          if (p.consumer === consumer || now - p.deliveredAt < opts.visibilityTimeoutMs) continue;
          p.consumer = consumer;
          p.deliveredAt = now;
          p.count++;
          out.push(deliver(topic, p.entry, p.count));
        }
      }
      return Promise.resolve(out);
    },
    extend(entries) {
      const now = Date.now();
      for (const e of entries) {
        const p = groupOf(e.topic).pending.get(e.entryId);
        if (p?.consumer === consumer) p.deliveredAt = now;
      }
      return Promise.resolve();
    },
    ack(e) {
      const g = groupOf(e.topic);
      // Waking waiters lets ordered successors of this entry take their turn at once.
      if (g.pending.delete(e.entryId)) broker.notify();
      return Promise.resolve();
    },
    deadLetter(e, error: SerializedError, attempts, into = groupName) {
      const g = groupOf(e.topic);
      const p = g.pending.get(e.entryId);
      if (p !== undefined) {
        broker.deadLetter(into, e.topic, p.entry, error, attempts);
        g.pending.delete(e.entryId);
        broker.notify();
      }
      return Promise.resolve();
    },
    // The group delivers in stream order, so the previous entry of the key was delivered
    // before this one: it is done exactly when it is no longer pending.
    isTurn: (e) => Promise.resolve(e.prev === undefined || !groupOf(e.topic).pending.has(e.prev)),
    waitTurnChange: (signal) => broker.wait(50, signal),
    reply(replyTo, correlationId, body) {
      opts.reply(replyTo, correlationId, body);
      return Promise.resolve();
    },
    interrupt: () => interrupt.abort(),
    close() {
      for (const g of groups.values()) g.consumers.delete(consumer);
      return Promise.resolve();
    },
  };
}
