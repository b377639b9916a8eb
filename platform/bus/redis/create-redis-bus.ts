import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createError } from '../../errors/errors.ts';
import type { SerializedError } from '../../errors/wow-error.ts';
import type { Logger } from '../../log/logger.ts';
import type { Bus, BusObserver, DeadLetter, GroupStats, MessageGuard, SubscriptionHandle, TopicStats } from '../bus.ts';
import type { ReplyBody } from '../consumer/consumer-port.ts';
import { runConsumer } from '../consumer/run-consumer.ts';
import { assertEventValid, serializeEvent, topicOf } from '../envelope.ts';
import { PendingRequests } from '../pending-requests.ts';
import { retryDelay } from '../retry-delay.ts';
import { subscriptionSettings, type BusDefaults } from '../subscription-settings.ts';
import { connectRedis } from './connect-redis.ts';
import { createSealedBatchAppender } from './create-sealed-batch-appender.ts';
import { compareEntryIds } from './compare-entry-ids.ts';
import { busKeys } from './keys.ts';
import { loadBusScripts } from './load-bus-scripts.ts';
import { fieldsOf, type StreamEntry } from './parse-entries.ts';
import { createRedisConsumerPort } from './redis-consumer-port.ts';

export interface RedisBusOptions {
  redisUrl: string;
  keyPrefix: string;
  streamMaxLen: number;
  defaults: BusDefaults;
  log: Logger;
  observer: BusObserver;
  claimIntervalMs: number;
  guard?: MessageGuard | undefined;
}

/** Partition links outlive any realistic gap between two events of one key. */
const linkTtlSeconds = 7 * 86_400;

/** The bus over Redis Streams: many processes, consumer groups shared between them. */
export async function createRedisBus(opts: RedisBusOptions): Promise<Bus> {
  const instance = randomUUID();
  // Publishes and acks issued in one tick go out as one pipeline: one write, one round trip.
  const client = await connectRedis(opts.redisUrl, `wow-bus-${instance}`, { autoPipelining: true });
  const keys = busKeys(opts.keyPrefix);
  const scripts = loadBusScripts(client);
  const sealed = createSealedBatchAppender({
    scripts,
    keys,
    streamMaxLen: opts.streamMaxLen,
    linkTtlSeconds,
    published: (topic) => opts.observer.published(topic),
  });
  const requests = new PendingRequests();
  const replyStream = keys.replies(instance);
  const handles = new Set<SubscriptionHandle>();
  const blockingClients = new Set<Redis>();
  let replyReader: { conn: Redis; done: Promise<void> } | undefined;
  let closed = false;
  const assertOpen = (what: string) => {
    if (closed) throw createError('WOW_ERR_BUS_CLOSED', { what });
  };

  async function readReplies(conn: Redis): Promise<void> {
    // The reply stream is this instance's own, so everything in it is for us: read from
    // the start, or a reply written before the first XREAD was issued would be missed.
    let last = '0-0';
    while (!closed) {
      try {
        const reply = await conn.xread('COUNT', 100, 'BLOCK', 1000, 'STREAMS', replyStream, last);
        for (const [, entries] of reply ?? []) {
          for (const [id, raw] of entries) {
            last = id;
            const f = fieldsOf(raw);
            requests.settle(f.get('c') ?? '', JSON.parse(f.get('b') ?? 'null') as ReplyBody);
          }
        }
      } catch (err) {
        if (closed) return;
        opts.log.error({ err }, 'reading replies failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  async function ensureGroup(stream: string, group: string, fromStart: boolean): Promise<void> {
    try {
      // A new group starts at the stream's end: it handles what is published from now on.
      await client.xgroup('CREATE', stream, group, fromStart ? '0' : '$', 'MKSTREAM');
    } catch (err) {
      if (!(err as Error).message.includes('BUSYGROUP')) throw err;
    }
  }

  async function scan(pattern: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    return found.sort();
  }

  /** XINFO GROUPS as maps of field to value; none when the stream does not exist. */
  async function groupsOf(stream: string): Promise<Map<string, unknown>[]> {
    let raw: unknown[][];
    try {
      raw = (await client.xinfo('GROUPS', stream)) as unknown[][];
    } catch (err) {
      if ((err as Error).message.includes('no such key')) return [];
      throw err;
    }
    return raw.map((fields) => {
      const info = new Map<string, unknown>();
      for (let i = 0; i + 1 < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1]);
      return info;
    });
  }

  const parseDeadLetter = (group: string, [id, raw]: StreamEntry): DeadLetter => {
    const f = fieldsOf(raw);
    return {
      id,
      group,
      topic: f.get('t') ?? '',
      event: assertEventValid(JSON.parse(f.get('e') ?? 'null')),
      error: JSON.parse(f.get('err') ?? 'null') as SerializedError,
      attempts: Number(f.get('a') ?? 0),
      failedAt: f.get('at') ?? '',
    };
  };

  const bus: Bus = {
    kind: 'redis',
    async publish(event, publishOpts = {}) {
      assertOpen(`publishing ${event.type}`);
      let proof: string | undefined;
      let json: string | undefined;
      if (opts.guard !== undefined) ({ event, proof, json } = await opts.guard.seal(event));
      assertEventValid(event);
      const topic = topicOf(event.type);
      const stream = keys.stream(topic);
      const envelope =
        json !== undefined && publishOpts.dataJson === undefined ? json : serializeEvent(event, publishOpts.dataJson);
      // A batch's envelopes, with its proof once after them.
      if (proof !== undefined)
        return sealed.append({ topic, envelope, partitionkey: event.partitionkey, opts: publishOpts }, proof);
      const { dedupeKey, onlyGroup } = publishOpts;
      const linked = event.partitionkey !== undefined && onlyGroup === undefined;
      if (dedupeKey === undefined && !linked) {
        // The hot path: one plain XADD.
        const fields = onlyGroup === undefined ? ['e', envelope] : ['e', envelope, 'g', onlyGroup];
        const entryId = await client.xadd(stream, 'MAXLEN', '~', opts.streamMaxLen, '*', ...fields);
        opts.observer.published(topic);
        return { entryId: entryId ?? '', duplicate: false };
      }
      const [entryId, duplicate] = await scripts.publish(
        [stream, keys.dedupe(dedupeKey ?? ''), keys.lastOfKey(topic, event.partitionkey ?? '')],
        [
          opts.streamMaxLen,
          envelope,
          dedupeKey === undefined ? 0 : (publishOpts.dedupeTtlSeconds ?? 86_400),
          linked ? linkTtlSeconds : 0,
          onlyGroup ?? '',
        ],
      );
      if (duplicate === 0) opts.observer.published(topic);
      return { entryId, duplicate: duplicate === 1 };
    },
    async subscribe(sub) {
      assertOpen(`subscribing ${sub.group}`);
      const s = subscriptionSettings(sub, opts.defaults);
      for (const topic of s.topics) await ensureGroup(keys.stream(topic), s.group, s.fromStart);
      const blocking = client.duplicate({ connectionName: `wow-consumer-${s.group}`, enableAutoPipelining: false });
      blockingClients.add(blocking);
      const port = createRedisConsumerPort({
        client,
        blocking,
        keys,
        group: s.group,
        consumer: s.consumer,
        topics: s.topics,
        visibilityTimeoutMs: s.visibilityTimeoutMs,
        log: opts.log,
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
      return handle;
    },
    async request(event, { timeoutMs }) {
      assertOpen(`requesting ${event.type}`);
      if (replyReader === undefined) {
        const conn = client.duplicate({ connectionName: `wow-replies-${instance}`, enableAutoPipelining: false });
        replyReader = { conn, done: readReplies(conn) };
      }
      const { correlationId, reply } = requests.open(event.type, timeoutMs);
      await bus.publish({ ...event, replyto: replyStream, correlationid: correlationId });
      return reply as Promise<never>;
    },
    deadLetters: {
      async list({ group, limit = 100 } = {}) {
        const streams = group === undefined ? await scan(keys.deadLetterPattern) : [keys.deadLetters(group)];
        const out: DeadLetter[] = [];
        for (const stream of streams) {
          if (out.length >= limit) break;
          const entries = (await client.xrange(stream, '-', '+', 'COUNT', limit - out.length)) as StreamEntry[];
          out.push(...entries.map((e) => parseDeadLetter(keys.groupOfDeadLetters(stream), e)));
        }
        return out;
      },
      async redrive(group, ids) {
        const dlq = keys.deadLetters(group);
        const entries = ((await client.xrange(dlq, '-', '+')) as StreamEntry[]).map((e) => parseDeadLetter(group, e));
        for (const id of ids ?? []) {
          if (!entries.some((d) => d.id === id)) throw createError('WOW_ERR_DLQ_ENTRY_NOT_FOUND', { id, agent: group });
        }
        let moved = 0;
        for (const d of ids === undefined ? entries : entries.filter((e) => ids.includes(e.id))) {
          // Signed again as it is sent again (its old signature has expired), and its id
          // accepted once more by its group; the script keeps the stored envelope otherwise.
          let envelope = '';
          if (opts.guard !== undefined) {
            await opts.guard.readmit(group, d.event.id);
            envelope = serializeEvent(await opts.guard.sign(d.event));
          }
          const entryId = await scripts.redrive(
            [dlq, keys.stream(d.topic)],
            [d.id, group, opts.streamMaxLen, envelope],
          );
          if (entryId !== null) {
            moved++;
            opts.observer.published(d.topic);
          }
        }
        return moved;
      },
    },
    async stats() {
      const topics: TopicStats[] = [];
      for (const stream of await scan(keys.streamPattern)) {
        const [length, infos] = await Promise.all([client.xlen(stream), groupsOf(stream)]);
        const groups: GroupStats[] = [];
        for (const info of infos) {
          const name = String(info.get('name'));
          const pending = Number(info.get('pending') ?? 0);
          const lag = info.get('lag');
          let oldestPendingMs: number | null = null;
          if (pending > 0) {
            const [first] = (await client.xpending(stream, name, '-', '+', 1)) as [string, string, number, number][];
            oldestPendingMs = first === undefined ? null : first[2];
          }
          groups.push({
            group: name,
            consumers: Number(info.get('consumers') ?? 0),
            pending,
            lag: typeof lag === 'number' ? lag : null,
            oldestPendingMs,
          });
        }
        topics.push({ topic: keys.topicOfStream(stream), length, groups });
      }
      const deadLetters = await Promise.all(
        (await scan(keys.deadLetterPattern)).map(async (stream) => ({
          group: keys.groupOfDeadLetters(stream),
          count: await client.xlen(stream),
        })),
      );
      return { topics, deadLetters };
    },
    async epoch() {
      // The first to ask after a loss names the new epoch; everyone then reads the same one.
      const replies = await client.multi().set(keys.epoch, randomUUID(), 'NX').get(keys.epoch).exec();
      const [, [err, epoch] = [null, null]] = replies ?? [];
      if (err !== null || typeof epoch !== 'string')
        throw err ?? createError('WOW_ERR_BUS_CLOSED', { what: 'reading the epoch' });
      return epoch;
    },
    async handled(topic, entryIds, epoch) {
      // Lua false arrives as null: another epoch, or the stream is gone with its entries.
      const progress = await scripts.groupProgress([keys.epoch, keys.stream(topic)], [epoch]);
      if (progress === null) return { ids: new Set(), groups: 0 };
      const bounds: { lastDelivered: string; firstPending: string }[] = [];
      for (let i = 0; i + 1 < progress.length; i += 2)
        bounds.push({ lastDelivered: progress[i] as string, firstPending: progress[i + 1] as string });
      // Conservative: an acked entry after a group's oldest pending one waits until that one settles.
      const ids = entryIds.filter((id) =>
        bounds.every(
          (b) =>
            compareEntryIds(id, b.lastDelivered) <= 0 &&
            (b.firstPending === '' || compareEntryIds(id, b.firstPending) < 0),
        ),
      );
      return { ids: new Set(bounds.length === 0 ? [] : ids), groups: bounds.length };
    },
    async ping() {
      await client.ping();
    },
    async close() {
      if (closed) return;
      await Promise.all([...handles].map((h) => h.stop({ timeoutMs: opts.defaults.visibilityTimeoutMs })));
      closed = true;
      requests.closeAll();
      // Ends the reply reader's blocked XREAD now rather than at its timeout.
      replyReader?.conn.disconnect();
      await replyReader?.done;
      for (const c of blockingClients) c.disconnect();
      await client.quit();
    },
  };
  return bus;
}
